import type { ChatChunk } from './chat-chunk.js';
import type { ChatRequest } from './chat-request.js';
import type { ChatResponse } from './chat-response.js';
import type { ResolvedDeployment } from './deployment.js';
import type { EmbeddingRequest, EmbeddingResponse } from './embeddings.js';
import type { CancelSignal } from './cancellation.js';

/** Collects warnings for the `x-tollgate-warnings` header (a dropped parameter, a fallback mode...). */
export interface WarningSink {
  warn(message: string): void;
}

/** Per-call inputs beside the canonical request. */
export interface CallOptions {
  /** Aborted when the client goes away or a timeout fires; adapters must pass it to their I/O. */
  readonly signal: CancelSignal;
  /** Where the adapter reports what it could not honour exactly. */
  readonly warnings: WarningSink;
  /** `litellm_settings.drop_params`: drop unsupported parameters with a warning instead of a 400. */
  readonly dropParams: boolean;
  /** This provider's slice of the request's `provider_options`. */
  readonly providerOptions: Readonly<Record<string, unknown>> | undefined;
  /** The request's `mock_response` gateway field (read only by the built-in mock provider). */
  readonly mockResponse: string | undefined;
}

/**
 * One deployment's connection to its provider. Adapters translate the canonical (OpenAI-shaped)
 * request to the provider's wire format and back, and throw GatewayError (layer `provider`) for
 * every upstream failure.
 */
export interface ModelAdapter {
  /** The provider prefix this adapter serves. */
  readonly provider: string;
  /** The deployment it calls. */
  readonly deployment: ResolvedDeployment;
  /** One complete answer. The request has no gateway fields; `stream` is ignored. */
  generate(request: ChatRequest, options: CallOptions): Promise<ChatResponse>;
  /**
   * The answer as canonical chunks. The upstream call starts on the first `next()`; an upstream
   * failure before the first chunk is thrown from that `next()`. The last chunk carries `usage`
   * (with `choices: []`), whether or not the client asked for it: accounting needs it.
   */
  stream(request: ChatRequest, options: CallOptions): AsyncIterable<ChatChunk>;
  /** Embeddings, as float vectors. */
  embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse>;
  /** Releases pooled connections. */
  close(): Promise<void>;
}

/** Builds the adapter for one deployment; one per provider, listed in `src/adapters/registry.ts`. */
export type AdapterFactory = (deployment: ResolvedDeployment) => ModelAdapter;
