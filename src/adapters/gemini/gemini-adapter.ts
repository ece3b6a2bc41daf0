import type { CallOptions, ModelAdapter } from '../../core/adapter.js';
import type { ChatChunk } from '../../core/chat-chunk.js';
import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResponse } from '../../core/chat-response.js';
import { deploymentSecrets, type ResolvedDeployment } from '../../core/deployment.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../../core/embeddings.js';
import { readSseEvents } from '../../core/sse.js';
import {
  isErrorResponse,
  requestJson,
  requestStream,
  type UpstreamJsonResponse,
  type UpstreamPools,
  type UpstreamTarget,
} from '../../core/upstream-http.js';
import { convertToGeminiRequest } from './convert-to-gemini-request.js';
import { geminiEmbedder } from './gemini-embedder.js';
import {
  createGeminiTarget,
  operationPath,
  type GeminiCallTarget,
  type GeminiEndpoint,
} from './gemini-endpoint.js';
import { mapGeminiHttpError } from './gemini-error.js';
import { parseGeminiResponse } from './map-gemini-response.js';
import { mapGeminiStream } from './map-gemini-stream.js';

/**
 * The adapter for Google's `generateContent` API. The Gemini API and Vertex AI speak the same
 * bodies; what differs (URL, auth, embeddings method) is the endpoint it is given, so
 * `vertex-ai/` reuses this class with its own endpoint (STYLE habit 8).
 */

export interface GoogleGenerativeAdapterInit {
  readonly deployment: ResolvedDeployment;
  readonly pools: UpstreamPools;
  readonly endpoint: GeminiEndpoint;
}

class GoogleGenerativeAdapter implements ModelAdapter {
  readonly provider: string;
  readonly deployment: ResolvedDeployment;
  private readonly pools: UpstreamPools;
  private readonly endpoint: GeminiEndpoint;

  constructor(init: GoogleGenerativeAdapterInit) {
    this.provider = init.endpoint.provider;
    this.deployment = init.deployment;
    this.pools = init.pools;
    this.endpoint = init.endpoint;
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const body = this.convert(request, options);
    const target = await this.endpoint.prepare(options.signal);
    const text = await this.post(target, {
      path: operationPath(target, 'generateContent'),
      body,
      options,
    });
    return parseGeminiResponse(text, {
      target: this.upstream(target),
      model: this.deployment.providerModel,
      messages: request.messages,
    });
  }

  /** An async generator, so nothing is sent before the first `next()` (ModelAdapter contract). */
  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<ChatChunk> {
    const body = this.convert(request, options);
    const target = await this.endpoint.prepare(options.signal);
    const upstream = this.upstream(target);
    const response = await requestStream(
      this.pools.pool(target.origin),
      {
        // https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
        path: operationPath(target, 'streamGenerateContent', { alt: 'sse' }),
        method: 'POST',
        headers: { ...target.headers, accept: 'text/event-stream' },
        body: JSON.stringify(body),
        signal: options.signal,
        timeoutMs: this.deployment.timeoutMs,
        idleTimeoutMs: this.deployment.streamTimeoutMs,
      },
      upstream,
    );
    if (isErrorResponse(response)) throw this.failure(response, target);
    yield* mapGeminiStream(readSseEvents(response.body), {
      target: upstream,
      model: this.deployment.providerModel,
      messages: request.messages,
    });
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    const target = await this.endpoint.prepare(options.signal);
    return this.endpoint.embedder.embed(request, {
      target,
      upstream: this.upstream(target),
      options,
      model: this.deployment.providerModel,
      post: (path, body) => this.post(target, { path, body, options }),
    });
  }

  /** Pools are shared by every deployment of an origin and closed with the UpstreamPools. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private convert(request: ChatRequest, options: CallOptions): Record<string, unknown> {
    return convertToGeminiRequest(request, {
      provider: this.provider,
      model: this.deployment.providerModel,
      options,
    });
  }

  private upstream(target: GeminiCallTarget): UpstreamTarget {
    return {
      provider: this.provider,
      secrets: [...deploymentSecrets(this.deployment), ...target.secrets],
    };
  }

  private failure(response: UpstreamJsonResponse, target: GeminiCallTarget): Error {
    if (response.status === 401) this.endpoint.rejected(target);
    return mapGeminiHttpError(response, this.upstream(target));
  }

  /** POSTs a JSON body and returns the 2xx body text; any other status is a mapped error. */
  private async post(
    target: GeminiCallTarget,
    call: { path: string; body: Record<string, unknown>; options: CallOptions },
  ): Promise<string> {
    const response = await requestJson(
      this.pools.pool(target.origin),
      {
        path: call.path,
        method: 'POST',
        headers: target.headers,
        body: JSON.stringify(call.body),
        signal: call.options.signal,
        timeoutMs: this.deployment.timeoutMs,
        // The whole exchange is bounded by timeoutMs; no separate idle limit for a JSON body.
        idleTimeoutMs: this.deployment.timeoutMs,
      },
      this.upstream(target),
    );
    if (response.status < 200 || response.status >= 300) throw this.failure(response, target);
    return response.text;
  }
}

/** A Google generative adapter for any endpoint (used by `vertex_ai/` with its own). */
export function createGoogleGenerativeAdapter(init: GoogleGenerativeAdapterInit): ModelAdapter {
  return new GoogleGenerativeAdapter(init);
}

/** The `gemini/` provider: the Gemini API (Google AI Studio), or a compatible base. */
export function createGeminiAdapter(
  deployment: ResolvedDeployment,
  pools: UpstreamPools,
): ModelAdapter {
  const target = createGeminiTarget(deployment);
  return new GoogleGenerativeAdapter({
    deployment,
    pools,
    endpoint: {
      provider: 'gemini',
      prepare: () => Promise.resolve(target),
      // An API key is not refreshed: nothing to forget.
      rejected: () => undefined,
      embedder: geminiEmbedder,
    },
  });
}
