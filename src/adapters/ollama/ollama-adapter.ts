import type { CallOptions, ModelAdapter } from '../../core/adapter.js';
import type { ChatChunk } from '../../core/chat-chunk.js';
import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResponse } from '../../core/chat-response.js';
import { deploymentSecrets, type ResolvedDeployment } from '../../core/deployment.js';
import {
  embeddingInputs,
  type EmbeddingRequest,
  type EmbeddingResponse,
} from '../../core/embeddings.js';
import {
  isErrorResponse,
  requestJson,
  requestStream,
  type UpstreamPools,
  type UpstreamTarget,
} from '../../core/upstream-http.js';
import {
  convertToOllamaEmbedRequest,
  convertToOllamaRequest,
} from './convert-to-ollama-request.js';
import { parseOllamaEmbedResponse, parseOllamaResponse } from './map-ollama-response.js';
import { mapOllamaStream } from './map-ollama-stream.js';
import { createOllamaEndpoint, type OllamaEndpoint } from './ollama-endpoint.js';
import { mapOllamaHttpError } from './ollama-error.js';
import { readNdjsonLines } from './read-ndjson-lines.js';

/**
 * The `ollama/` and `ollama_chat/` providers: Ollama's native `/api/chat` (NDJSON stream) and
 * `/api/embed`. Both prefixes speak the same API; the prefix names the provider in errors and
 * provider_metadata, and selects the `provider_options` slice.
 * https://github.com/ollama/ollama/blob/main/docs/api.md
 */
class OllamaAdapter implements ModelAdapter {
  readonly provider: string;
  readonly deployment: ResolvedDeployment;
  private readonly pools: UpstreamPools;
  private readonly endpoint: OllamaEndpoint;
  private readonly target: UpstreamTarget;
  private readonly streamHeaders: Readonly<Record<string, string>>;

  constructor(deployment: ResolvedDeployment, pools: UpstreamPools) {
    this.deployment = deployment;
    this.pools = pools;
    this.endpoint = createOllamaEndpoint(deployment);
    this.provider = this.endpoint.provider;
    this.target = { provider: this.provider, secrets: deploymentSecrets(deployment) };
    this.streamHeaders = { ...this.endpoint.headers, accept: 'application/x-ndjson' };
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const body = convertToOllamaRequest(request, this.convertContext(options, false));
    const text = await this.postJson(this.endpoint.paths.chat, { body, options });
    return parseOllamaResponse(text, {
      target: this.target,
      model: this.deployment.providerModel,
      messages: request.messages,
    });
  }

  /** An async generator, so nothing is sent before the first `next()` (ModelAdapter contract). */
  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<ChatChunk> {
    const body = convertToOllamaRequest(request, this.convertContext(options, true));
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
    if (isErrorResponse(response)) throw mapOllamaHttpError(response, this.target);
    yield* mapOllamaStream(readNdjsonLines(response.body), {
      target: this.target,
      model: this.deployment.providerModel,
      warnings: options.warnings,
      messages: request.messages,
    });
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    const body = convertToOllamaEmbedRequest(request, {
      provider: this.provider,
      model: this.deployment.providerModel,
      options,
    });
    const text = await this.postJson(this.endpoint.paths.embed, { body, options });
    const inputs = embeddingInputs(request.input).map((input) =>
      typeof input === 'string' ? input : '',
    );
    return parseOllamaEmbedResponse(text, {
      target: this.target,
      model: this.deployment.providerModel,
      inputs,
    });
  }

  /** Pools are shared by every deployment of an origin and closed with the UpstreamPools. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private convertContext(options: CallOptions, stream: boolean) {
    return { provider: this.provider, model: this.deployment.providerModel, stream, options };
  }

  private async postJson(
    path: string,
    call: { body: Record<string, unknown>; options: CallOptions },
  ): Promise<string> {
    const response = await requestJson(
      this.pools.pool(this.endpoint.origin),
      {
        path,
        method: 'POST',
        headers: this.endpoint.headers,
        body: JSON.stringify(call.body),
        signal: call.options.signal,
        timeoutMs: this.deployment.timeoutMs,
        idleTimeoutMs: this.deployment.timeoutMs,
      },
      this.target,
    );
    if (response.status < 200 || response.status >= 300) {
      throw mapOllamaHttpError(response, this.target);
    }
    return response.text;
  }
}

/** The `ollama/` (and `ollama_chat/`) provider for one deployment. */
export function createOllamaAdapter(
  deployment: ResolvedDeployment,
  pools: UpstreamPools,
): ModelAdapter {
  return new OllamaAdapter(deployment, pools);
}
