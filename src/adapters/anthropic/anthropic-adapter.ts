import type { CallOptions, ModelAdapter } from '../../core/adapter.js';
import type { ChatChunk } from '../../core/chat-chunk.js';
import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResponse } from '../../core/chat-response.js';
import { deploymentSecrets, type ResolvedDeployment } from '../../core/deployment.js';
import type { EmbeddingRequest, EmbeddingResponse } from '../../core/embeddings.js';
import { GatewayError } from '../../core/errors.js';
import { readSseEvents } from '../../core/sse.js';
import {
  isErrorResponse,
  requestJson,
  requestStream,
  type UpstreamPools,
  type UpstreamTarget,
} from '../../core/upstream-http.js';
import {
  callHeaders,
  createAnthropicEndpoint,
  type AnthropicEndpoint,
} from './anthropic-endpoint.js';
import { mapAnthropicHttpError } from './anthropic-error.js';
import { claudeModelTraits, type ClaudeModelTraits } from './anthropic-models.js';
import { ANTHROPIC } from './convert-to-anthropic-messages.js';
import {
  convertToAnthropicRequest,
  type AnthropicCallPlan,
} from './convert-to-anthropic-request.js';
import { parseAnthropicResponse } from './map-anthropic-response.js';
import { mapAnthropicStream } from './map-anthropic-stream.js';

/**
 * The `anthropic/` provider: the Anthropic Messages API (https://docs.anthropic.com/en/api/messages).
 * Conversion lives in `convert-*`, response and stream mapping in `map-*`, errors in
 * `anthropic-error.ts`, per-model rules in `anthropic-models.ts`.
 */
class AnthropicAdapter implements ModelAdapter {
  readonly provider = ANTHROPIC;
  readonly deployment: ResolvedDeployment;
  private readonly pools: UpstreamPools;
  private readonly endpoint: AnthropicEndpoint;
  private readonly target: UpstreamTarget;
  private readonly traits: ClaudeModelTraits;

  constructor(deployment: ResolvedDeployment, pools: UpstreamPools) {
    this.deployment = deployment;
    this.pools = pools;
    this.endpoint = createAnthropicEndpoint(deployment);
    this.target = { provider: ANTHROPIC, secrets: deploymentSecrets(deployment) };
    this.traits = claudeModelTraits(deployment);
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    const plan = this.plan(request, { options, stream: false });
    const response = await requestJson(
      this.pools.pool(this.endpoint.origin),
      {
        path: this.endpoint.path,
        method: 'POST',
        headers: callHeaders(this.endpoint, { betas: plan.betas, stream: false }),
        body: JSON.stringify(plan.body),
        signal: options.signal,
        timeoutMs: this.deployment.timeoutMs,
        idleTimeoutMs: this.deployment.timeoutMs,
      },
      this.target,
    );
    if (response.status < 200 || response.status >= 300) {
      throw mapAnthropicHttpError(response, this.target);
    }
    return parseAnthropicResponse(response.text, {
      target: this.target,
      model: this.deployment.providerModel,
      jsonToolName: plan.jsonToolName,
    });
  }

  /** An async generator, so nothing is sent before the first `next()` (ModelAdapter contract). */
  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<ChatChunk> {
    const plan = this.plan(request, { options, stream: true });
    const response = await requestStream(
      this.pools.pool(this.endpoint.origin),
      {
        path: this.endpoint.path,
        method: 'POST',
        headers: callHeaders(this.endpoint, { betas: plan.betas, stream: true }),
        body: JSON.stringify(plan.body),
        signal: options.signal,
        timeoutMs: this.deployment.timeoutMs,
        idleTimeoutMs: this.deployment.streamTimeoutMs,
      },
      this.target,
    );
    if (isErrorResponse(response)) throw mapAnthropicHttpError(response, this.target);
    yield* mapAnthropicStream(readSseEvents(response.body), {
      target: this.target,
      model: this.deployment.providerModel,
      jsonToolName: plan.jsonToolName,
      messages: request.messages,
    });
  }

  /** Anthropic has no embeddings API (https://docs.anthropic.com/en/docs/build-with-claude/embeddings). */
  embed(_request: EmbeddingRequest, _options: CallOptions): Promise<EmbeddingResponse> {
    return Promise.reject(
      new GatewayError(
        'invalid_request',
        `anthropic has no embeddings API: ${this.deployment.modelGroup} cannot serve /v1/embeddings; route embeddings to a provider that has them (openai/, azure/, gemini/, bedrock/, ollama/)`,
        { provider: ANTHROPIC, param: 'model' },
      ),
    );
  }

  /** Pools are shared by every deployment of an origin and closed with the UpstreamPools. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private plan(
    request: ChatRequest,
    call: { options: CallOptions; stream: boolean },
  ): AnthropicCallPlan {
    return convertToAnthropicRequest(request, {
      model: this.deployment.providerModel,
      traits: this.traits,
      options: call.options,
      stream: call.stream,
    });
  }
}

export function createAnthropicAdapter(
  deployment: ResolvedDeployment,
  pools: UpstreamPools,
): ModelAdapter {
  return new AnthropicAdapter(deployment, pools);
}
