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
  type UpstreamPools,
  type UpstreamTarget,
} from '../../core/upstream-http.js';
import {
  convertToOpenAIEmbeddingRequest,
  convertToOpenAIRequest,
  convertToOpenAIStreamRequest,
} from './convert-to-openai-request.js';
import { parseOpenAIResponse } from './map-openai-response.js';
import {
  createOpenAIEndpoint,
  type OpenAIEndpoint,
  type OpenAIOperation,
} from './openai-endpoint.js';
import { mapOpenAIHttpError } from './openai-error.js';
import { readOpenAIStream } from './read-openai-stream.js';
import { parseOpenAIEmbeddingResponse } from './map-openai-embedding-response.js';

/**
 * The adapter for every OpenAI-compatible API. What differs between OpenAI-compatible servers
 * and Azure OpenAI (URL, auth header) is the endpoint it is given; everything else (bodies,
 * stream mapping, errors) is shared (STYLE habit 8).
 */

export interface OpenAICompatibleAdapterInit {
  readonly deployment: ResolvedDeployment;
  readonly pools: UpstreamPools;
  readonly endpoint: OpenAIEndpoint;
}

class OpenAICompatibleAdapter implements ModelAdapter {
  readonly provider: string;
  readonly deployment: ResolvedDeployment;
  private readonly pools: UpstreamPools;
  private readonly endpoint: OpenAIEndpoint;
  private readonly target: UpstreamTarget;
  private readonly streamHeaders: Readonly<Record<string, string>>;

  constructor(init: OpenAICompatibleAdapterInit) {
    this.provider = init.endpoint.provider;
    this.deployment = init.deployment;
    this.pools = init.pools;
    this.endpoint = init.endpoint;
    this.target = { provider: init.endpoint.provider, secrets: deploymentSecrets(init.deployment) };
    this.streamHeaders = { ...init.endpoint.headers, accept: 'text/event-stream' };
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const body = convertToOpenAIRequest(request, this.bodyInit(options));
    const text = await this.postJson('chat', { body, options });
    return parseOpenAIResponse(text, { target: this.target, model: this.deployment.providerModel });
  }

  /** Nothing is sent before the first `next()` (ModelAdapter contract): see readOpenAIStream. */
  stream(request: ChatRequest, options: CallOptions): AsyncIterable<ChatChunk> {
    return readOpenAIStream(() => this.openStream(request, options), {
      target: this.target,
      model: this.deployment.providerModel,
      warnings: options.warnings,
      prompt: request.messages,
    });
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    const body = convertToOpenAIEmbeddingRequest(request, this.bodyInit(options));
    const text = await this.postJson('embeddings', { body, options });
    return parseOpenAIEmbeddingResponse(text, {
      target: this.target,
      model: this.deployment.providerModel,
    });
  }

  /** Pools are shared by every deployment of an origin and closed with the UpstreamPools. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private bodyInit(options: CallOptions): {
    model: string;
    providerOptions: CallOptions['providerOptions'];
  } {
    return { model: this.deployment.providerModel, providerOptions: options.providerOptions };
  }

  /** Sends the streaming request; resolves with the body once the upstream answered 2xx. */
  private async openStream(
    request: ChatRequest,
    options: CallOptions,
  ): Promise<AsyncIterable<Uint8Array>> {
    const body = convertToOpenAIStreamRequest(request, this.bodyInit(options));
    const response = await requestStream(
      this.pools.pool(this.endpoint.origin),
      {
        path: this.endpoint.paths.chat,
        method: 'POST',
        headers: this.streamHeaders,
        body: JSON.stringify(body),
        signal: options.signal,
        timeoutMs: this.deployment.timeoutMs,
        idleTimeoutMs: this.deployment.streamTimeoutMs,
      },
      this.target,
    );
    if (isErrorResponse(response)) throw mapOpenAIHttpError(response, this.target);
    return response.body;
  }

  /** POSTs a JSON body and returns the 2xx body text; any other status is a mapped error. */
  private async postJson(
    operation: OpenAIOperation,
    call: { body: Record<string, unknown>; options: CallOptions },
  ): Promise<string> {
    const response = await requestJson(
      this.pools.pool(this.endpoint.origin),
      {
        path: this.endpoint.paths[operation],
        method: 'POST',
        headers: this.endpoint.headers,
        body: JSON.stringify(call.body),
        signal: call.options.signal,
        timeoutMs: this.deployment.timeoutMs,
        // The whole exchange is bounded by timeoutMs; no separate idle limit for a JSON body.
        idleTimeoutMs: this.deployment.timeoutMs,
      },
      this.target,
    );
    if (response.status < 200 || response.status >= 300) {
      throw mapOpenAIHttpError(response, this.target);
    }
    return response.text;
  }
}

/** An adapter for any OpenAI-compatible endpoint (used by `azure/` with its own endpoint). */
export function createOpenAICompatibleAdapter(init: OpenAICompatibleAdapterInit): ModelAdapter {
  return new OpenAICompatibleAdapter(init);
}

/** The `openai/` provider: OpenAI or any OpenAI-compatible server at `api_base`. */
export function createOpenAIAdapter(
  deployment: ResolvedDeployment,
  pools: UpstreamPools,
): ModelAdapter {
  return new OpenAICompatibleAdapter({
    deployment,
    pools,
    endpoint: createOpenAIEndpoint(deployment),
  });
}
