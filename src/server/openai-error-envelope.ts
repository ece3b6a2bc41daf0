import type { GatewayError } from '../core/errors.js';

/** The OpenAI error envelope plus Tollgate's `layer` and, for provider errors, upstream details. */
export interface OpenAIErrorEnvelope {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string;
    layer: GatewayError['layer'];
    provider?: string;
    upstream_status?: number;
    upstream_body?: string;
  };
}

/** The one place REST errors are shaped for clients (SPEC §3). */
export function toOpenAIErrorEnvelope(error: GatewayError): OpenAIErrorEnvelope {
  const body: OpenAIErrorEnvelope['error'] = {
    message: error.message,
    type: error.type,
    param: error.param ?? null,
    code: error.code,
    layer: error.layer,
  };
  if (error.layer === 'provider') {
    if (error.provider !== undefined) body.provider = error.provider;
    if (error.upstreamStatus !== undefined) body.upstream_status = error.upstreamStatus;
    if (error.upstreamBody !== undefined) body.upstream_body = error.upstreamBody;
  }
  return { error: body };
}
