import type { CallOptions, ModelAdapter } from '../../core/adapter.js';
import type { ChatChunk } from '../../core/chat-chunk.js';
import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResponse } from '../../core/chat-response.js';
import { deploymentSecrets, type ResolvedDeployment } from '../../core/deployment.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../../core/embeddings.js';
import {
  isErrorResponse,
  requestJson,
  requestStream,
  type UpstreamJsonResponse,
  type UpstreamPools,
  type UpstreamStreamResponse,
  type UpstreamTarget,
} from '../../core/upstream-http.js';
import {
  BEDROCK_PROVIDER,
  bedrockModelId,
  bedrockSecrets,
  resolveBedrockEndpoint,
  type BedrockEndpoint,
} from './bedrock-endpoint.js';
import { mapBedrockHttpError } from './bedrock-error.js';
import { convertToBedrockRequest } from './convert-to-bedrock-request.js';
import { embedWithBedrock, type BedrockPost } from './embed-with-bedrock.js';
import { parseBedrockResponse } from './map-bedrock-response.js';
import { mapBedrockStream } from './map-bedrock-stream.js';
import { readEventStreamMessages } from './read-bedrock-event-stream.js';
import { createBedrockSigner, type BedrockSigner } from './sign-bedrock-request.js';

/**
 * The `bedrock/` provider: Converse and ConverseStream, every call signed with SigV4, the stream
 * read as the binary AWS event stream. Embeddings go through InvokeModel
 * (`embed-with-bedrock.ts`).
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 */

export interface BedrockAdapterOptions {
  /** The signing clock; tests fix it to check signatures independently. */
  readonly now?: () => Date;
}

const EVENT_STREAM = 'application/vnd.amazon.eventstream';

class BedrockAdapter implements ModelAdapter {
  readonly provider = BEDROCK_PROVIDER;
  readonly deployment: ResolvedDeployment;
  private readonly pools: UpstreamPools;
  private readonly target: UpstreamTarget;
  private readonly modelId: string;
  /** The endpoint and its signer, or the configuration error every call reports. */
  private readonly resolved:
    | { readonly endpoint: BedrockEndpoint; readonly sign: BedrockSigner }
    | { readonly error: unknown };

  constructor(
    deployment: ResolvedDeployment,
    pools: UpstreamPools,
    options: BedrockAdapterOptions,
  ) {
    this.deployment = deployment;
    this.pools = pools;
    this.modelId = bedrockModelId(deployment.providerModel);
    this.target = {
      provider: BEDROCK_PROVIDER,
      secrets: [...deploymentSecrets(deployment), ...bedrockSecrets(deployment)],
    };
    try {
      const endpoint = resolveBedrockEndpoint(deployment);
      const sign = createBedrockSigner({
        region: endpoint.region,
        credentials: endpoint.credentials,
        ...(options.now === undefined ? {} : { now: options.now }),
      });
      this.resolved = { endpoint, sign };
    } catch (error) {
      this.resolved = { error };
    }
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const { endpoint } = this.endpoint();
    const body = convertToBedrockRequest(request, { modelId: this.modelId, options });
    const response = await this.post({
      path: endpoint.paths.converse,
      body,
      signal: options.signal,
    });
    const requestId = response.headers['x-amzn-requestid'];
    return parseBedrockResponse(response.text, {
      target: this.target,
      model: this.modelId,
      requestId: typeof requestId === 'string' ? requestId : undefined,
      messages: request.messages,
    });
  }

  /** An async generator, so nothing is sent before the first `next()` (ModelAdapter contract). */
  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<ChatChunk> {
    const { endpoint } = this.endpoint();
    const body = convertToBedrockRequest(request, { modelId: this.modelId, options });
    const text = JSON.stringify(body);
    const headers = await this.signedHeaders({
      path: endpoint.paths.converseStream,
      text,
      accept: EVENT_STREAM,
    });
    const response: UpstreamStreamResponse | UpstreamJsonResponse = await requestStream(
      this.pools.pool(endpoint.origin),
      {
        path: endpoint.paths.converseStream,
        method: 'POST',
        headers,
        body: text,
        signal: options.signal,
        timeoutMs: this.deployment.timeoutMs,
        idleTimeoutMs: this.deployment.streamTimeoutMs,
      },
      this.target,
    );
    if (isErrorResponse(response)) throw mapBedrockHttpError(response, this.target);
    yield* mapBedrockStream(readEventStreamMessages(response.body), {
      target: this.target,
      model: this.modelId,
      warnings: options.warnings,
      messages: request.messages,
    });
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    const { endpoint } = this.endpoint();
    return embedWithBedrock(request, {
      modelId: this.modelId,
      invokePath: endpoint.paths.invoke,
      target: this.target,
      options,
      post: (call) => this.post(call),
    });
  }

  /** Pools are shared by every deployment of an origin and closed with the UpstreamPools. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private endpoint(): { endpoint: BedrockEndpoint; sign: BedrockSigner } {
    if ('error' in this.resolved) throw this.resolved.error;
    return this.resolved;
  }

  private async signedHeaders(call: {
    path: string;
    text: string;
    accept: string;
  }): Promise<Record<string, string>> {
    const { endpoint, sign } = this.endpoint();
    return sign({
      method: 'POST',
      host: endpoint.host,
      path: call.path,
      // Extra headers first: the protocol headers below must not be overridden by config.
      headers: {
        ...endpoint.extraHeaders,
        'content-type': 'application/json',
        accept: call.accept,
        'content-length': String(Buffer.byteLength(call.text)),
      },
      body: call.text,
    });
  }

  /** A signed JSON POST; any non-2xx answer is a mapped error. */
  private readonly post: BedrockPost = async (call) => {
    const { endpoint } = this.endpoint();
    const text = JSON.stringify(call.body);
    const headers = await this.signedHeaders({ path: call.path, text, accept: 'application/json' });
    const response = await requestJson(
      this.pools.pool(endpoint.origin),
      {
        path: call.path,
        method: 'POST',
        headers,
        body: text,
        signal: call.signal,
        timeoutMs: this.deployment.timeoutMs,
        idleTimeoutMs: this.deployment.timeoutMs,
      },
      this.target,
    );
    if (response.status < 200 || response.status >= 300) {
      throw mapBedrockHttpError(response, this.target);
    }
    return response;
  };
}

/** The `bedrock/` provider for one deployment. */
export function createBedrockAdapter(
  deployment: ResolvedDeployment,
  pools: UpstreamPools,
  options: BedrockAdapterOptions = {},
): ModelAdapter {
  return new BedrockAdapter(deployment, pools, options);
}
