import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from './bedrock-endpoint.js';

/**
 * SigV4 for Bedrock Runtime with the AWS SDK's own signer (`@smithy/signature-v4`), never a
 * hand-written one. Service name `bedrock`, the deployment's region; temporary credentials add
 * a signed `x-amz-security-token`. The clock is injectable so tests can check the signature
 * against an independent implementation at a fixed date.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */

export interface BedrockSignerInit {
  readonly region: string;
  readonly credentials: AwsCredentials;
  /** The signing date; `new Date()` unless a test fixes it. */
  readonly now?: () => Date;
}

export interface UnsignedRequest {
  readonly method: 'POST';
  /** `host` header value (host[:port]). */
  readonly host: string;
  /** Path as sent, already percent-encoded. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type BedrockSigner = (request: UnsignedRequest) => Promise<Record<string, string>>;

/** A signer for one deployment: returns the headers to send, signature included. */
export function createBedrockSigner(init: BedrockSignerInit): BedrockSigner {
  const signer = new SignatureV4({
    service: 'bedrock',
    region: init.region,
    credentials: init.credentials,
    sha256: Sha256,
    // The body hash is part of the canonical request either way; the header is optional
    // outside S3, and leaving it out keeps requests the size the AWS SDK sends.
    applyChecksum: false,
  });
  const now = init.now ?? (() => new Date());
  return async (request) => {
    const [hostname, port] = splitHost(request.host);
    const signed = await signer.sign(
      {
        method: request.method,
        protocol: 'https:',
        hostname,
        ...(port === undefined ? {} : { port }),
        path: request.path,
        query: {},
        headers: { ...request.headers, host: request.host },
        body: request.body,
      },
      { signingDate: now() },
    );
    return { ...signed.headers };
  };
}

function splitHost(host: string): [string, number | undefined] {
  const match = /^(.*):(\d+)$/.exec(host);
  if (match === null || match[1] === undefined || match[2] === undefined) return [host, undefined];
  return [match[1], Number(match[2])];
}
