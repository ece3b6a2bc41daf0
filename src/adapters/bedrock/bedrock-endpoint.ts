import type { ResolvedDeployment } from '../../core/deployment.js';
import { GatewayError } from '../../core/errors.js';
import { splitBaseUrl } from '../../core/upstream-http.js';

/**
 * Where and as whom a Bedrock deployment calls: region, credentials, origin and the three paths
 * (Converse, ConverseStream, InvokeModel for embeddings). Built once per deployment; a missing
 * region or credential is reported when the deployment is called (environment discovery may
 * produce a `bedrock/*` entry without a region, and that must not stop the gateway starting).
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 */

export const BEDROCK_PROVIDER = 'bedrock';

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials (STS); sent as `x-amz-security-token`. */
  readonly sessionToken?: string;
}

export interface BedrockEndpoint {
  /** Origin the keep-alive pool connects to. */
  readonly origin: string;
  /** The `host` header value that is signed (and sent). */
  readonly host: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** The model id, inference profile id or ARN, as configured. */
  readonly modelId: string;
  readonly paths: {
    readonly converse: string;
    readonly converseStream: string;
    readonly invoke: string;
  };
  /** The deployment's `extra_headers`, sent (and signed) on every call. */
  readonly extraHeaders: Readonly<Record<string, string>>;
}

/** Secrets of a Bedrock deployment, scrubbed from errors and logs. */
export function bedrockSecrets(deployment: ResolvedDeployment): string[] {
  const secrets: string[] = [];
  for (const name of ['aws_secret_access_key', 'aws_session_token', 'aws_access_key_id']) {
    const value = deployment.params[name];
    if (typeof value === 'string' && value !== '') secrets.push(value);
  }
  return secrets;
}

function stringParam(deployment: ResolvedDeployment, name: string): string | undefined {
  const value = deployment.params[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** `arn:aws:bedrock:us-east-1:123456789012:inference-profile/...` names its region. */
function regionOfArn(modelId: string): string | undefined {
  const match = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+):/.exec(modelId);
  return match?.[1];
}

/**
 * The path label encoding the AWS SDK applies to `{modelId}` (smithy's
 * `extendedEncodeURIComponent`): `:` and `/` of inference profile ids and ARNs are escaped, so an
 * ARN stays one path segment. The signer then escapes the path once more for the canonical
 * request, as SigV4 requires for every service but S3.
 */
export function encodeModelId(modelId: string): string {
  return encodeURIComponent(modelId).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function configurationError(deployment: ResolvedDeployment, what: string): GatewayError {
  return new GatewayError(
    'upstream_auth_failed',
    `The bedrock deployment "${deployment.id}" has no ${what}`,
    { provider: BEDROCK_PROVIDER, retryable: false },
  );
}

/**
 * The model id after the `bedrock/` prefix. LiteLLM also accepts `bedrock/converse/<id>` to pick
 * its Converse route; Converse is the only chat route here, so the segment is dropped.
 */
export function bedrockModelId(providerModel: string): string {
  return providerModel.startsWith('converse/')
    ? providerModel.slice('converse/'.length)
    : providerModel;
}

/** Resolves the endpoint, or throws a GatewayError naming the missing setting. */
export function resolveBedrockEndpoint(deployment: ResolvedDeployment): BedrockEndpoint {
  const modelId = bedrockModelId(deployment.providerModel);
  const region =
    stringParam(deployment, 'aws_region_name') ??
    stringParam(deployment, 'aws_region') ??
    regionOfArn(modelId);
  if (region === undefined) {
    throw configurationError(deployment, 'AWS region: set aws_region_name (e.g. us-east-1)');
  }
  const accessKeyId = stringParam(deployment, 'aws_access_key_id');
  const secretAccessKey = stringParam(deployment, 'aws_secret_access_key');
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw configurationError(
      deployment,
      'AWS credentials: set aws_access_key_id and aws_secret_access_key (e.g. os.environ/AWS_ACCESS_KEY_ID)',
    );
  }
  const sessionToken = stringParam(deployment, 'aws_session_token');
  const base =
    deployment.apiBase ??
    stringParam(deployment, 'aws_bedrock_runtime_endpoint') ??
    `https://bedrock-runtime.${region}.amazonaws.com`;
  const { origin, basePath } = splitBaseUrl(base);
  const modelPath = `${basePath}/model/${encodeModelId(modelId)}`;
  return {
    origin,
    host: new URL(origin).host,
    region,
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    modelId,
    paths: {
      converse: `${modelPath}/converse`,
      converseStream: `${modelPath}/converse-stream`,
      invoke: `${modelPath}/invoke`,
    },
    extraHeaders: deployment.extraHeaders,
  };
}
