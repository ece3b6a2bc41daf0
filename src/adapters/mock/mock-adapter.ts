import { randomUUID } from 'node:crypto';
import type { CallOptions, ModelAdapter } from '../../core/adapter.js';
import type { ChatChunk } from '../../core/chat-chunk.js';
import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResponse } from '../../core/chat-response.js';
import type { ResolvedDeployment } from '../../core/deployment.js';
import {
  embeddingInputs,
  type EmbeddingRequest,
  type EmbeddingResponse,
} from '../../core/embeddings.js';
import { GatewayError } from '../../core/errors.js';
import { makeUsage, type Usage } from '../../core/usage.js';
import { hashEmbedding } from './mock-embedding.js';
import { countPromptTokens, countTokens, lastUserText, splitForStreaming } from './mock-text.js';
import type { CancelSignal } from '../../core/cancellation.js';
import { abortableSleep } from '../../core/router/abortable-sleep.js';

/**
 * The built-in `mock` provider: answers offline with the request's `mock_response`, the
 * deployment's `mock_response`, or an echo of the last user message; streams the answer in
 * several chunks; waits `mock_latency_ms` first; reports usage counted like a real tokenizer.
 */

const STREAM_PARTS = 4;
const DEFAULT_EMBEDDING_DIMENSIONS = 256;

interface MockAnswer {
  readonly text: string;
  readonly usage: Usage;
}

function numberParam(deployment: ResolvedDeployment, name: string): number | undefined {
  const value = deployment.params[name];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

async function wait(ms: number | undefined, signal: CancelSignal): Promise<void> {
  if (ms === undefined || ms === 0) return;
  try {
    await abortableSleep(ms, signal);
  } catch (error) {
    throw new GatewayError('client_closed_request', 'The client closed the request', {
      provider: 'mock',
      retryable: false,
      cause: error,
    });
  }
}

class MockAdapter implements ModelAdapter {
  readonly provider = 'mock';
  readonly deployment: ResolvedDeployment;

  constructor(deployment: ResolvedDeployment) {
    this.deployment = deployment;
  }

  async generate(request: ChatRequest, options: CallOptions): Promise<ChatResponse> {
    await wait(numberParam(this.deployment, 'mock_latency_ms'), options.signal);
    const answer = this.answer(request, options);
    const choices = request.n ?? 1;
    return {
      id: `chatcmpl-mock-${randomUUID()}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: this.deployment.providerModel,
      choices: Array.from({ length: choices }, (_, index) => ({
        index,
        message: { role: 'assistant' as const, content: answer.text, refusal: null },
        finish_reason: 'stop' as const,
        logprobs: null,
      })),
      usage: {
        ...answer.usage,
        completion_tokens: answer.usage.completion_tokens * choices,
        total_tokens: answer.usage.prompt_tokens + answer.usage.completion_tokens * choices,
      },
    };
  }

  async *stream(request: ChatRequest, options: CallOptions): AsyncGenerator<ChatChunk> {
    const latency = numberParam(this.deployment, 'mock_latency_ms');
    const chunkDelay = numberParam(this.deployment, 'mock_chunk_delay_ms');
    await wait(latency, options.signal);
    const answer = this.answer(request, options);
    const id = `chatcmpl-mock-${randomUUID()}`;
    const created = Math.floor(Date.now() / 1000);
    const model = this.deployment.providerModel;
    const chunk = (choice: ChatChunk['choices'][number] | undefined, usage?: Usage): ChatChunk => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: choice === undefined ? [] : [choice],
      ...(usage === undefined ? {} : { usage }),
    });
    yield chunk({ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null });
    for (const piece of splitForStreaming(answer.text, STREAM_PARTS)) {
      await wait(chunkDelay, options.signal);
      yield chunk({ index: 0, delta: { content: piece }, finish_reason: null });
    }
    yield chunk({ index: 0, delta: {}, finish_reason: 'stop' });
    yield chunk(undefined, answer.usage);
  }

  async embed(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse> {
    await wait(numberParam(this.deployment, 'mock_latency_ms'), options.signal);
    const dimensions =
      request.dimensions ??
      numberParam(this.deployment, 'mock_dimensions') ??
      DEFAULT_EMBEDDING_DIMENSIONS;
    const inputs = embeddingInputs(request.input);
    let tokens = 0;
    const data = inputs.map((input, index) => {
      tokens += typeof input === 'string' ? countTokens(input) : input.length;
      return { object: 'embedding' as const, index, embedding: hashEmbedding(input, dimensions) };
    });
    return {
      object: 'list',
      data,
      model: this.deployment.providerModel,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private answer(request: ChatRequest, options: CallOptions): MockAnswer {
    const configured = this.deployment.params.mock_response;
    const text =
      options.mockResponse ??
      (typeof configured === 'string' ? configured : undefined) ??
      lastUserText(request.messages);
    return { text, usage: makeUsage(countPromptTokens(request.messages), countTokens(text)) };
  }
}

export function createMockAdapter(deployment: ResolvedDeployment): ModelAdapter {
  return new MockAdapter(deployment);
}
