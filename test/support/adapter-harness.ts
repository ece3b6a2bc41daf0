import type { CallOptions, WarningSink } from '../../src/core/adapter.js';
import type { ChatChunk } from '../../src/core/chat-chunk.js';
import type { ChatRequest } from '../../src/core/chat-request.js';
import type { ResolvedDeployment } from '../../src/core/deployment.js';
import { GatewayError } from '../../src/core/errors.js';

/**
 * Small builders shared by adapter tests and the contract suite: a deployment, call options with
 * a recording warning sink, a request, and helpers to drain a stream or capture its error.
 */

export function makeDeployment(overrides: Partial<ResolvedDeployment> = {}): ResolvedDeployment {
  return {
    id: 'test-deployment',
    modelGroup: 'chat',
    provider: 'openai',
    providerModel: 'gpt-4o-mini',
    apiBase: undefined,
    apiKey: 'sk-test-0123456789abcdef',
    apiVersion: undefined,
    timeoutMs: 5_000,
    streamTimeoutMs: 5_000,
    extraHeaders: {},
    params: {},
    modelInfo: {},
    ...overrides,
  };
}

export interface RecordingWarnings extends WarningSink {
  readonly messages: string[];
}

export function recordingWarnings(): RecordingWarnings {
  const messages: string[] = [];
  return { messages, warn: (message) => messages.push(message) };
}

export function makeCallOptions(
  overrides: Partial<CallOptions> = {},
): CallOptions & { warnings: RecordingWarnings } {
  return {
    signal: new AbortController().signal,
    dropParams: false,
    providerOptions: undefined,
    mockResponse: undefined,
    ...overrides,
    warnings: recordingWarnings(),
  };
}

export function makeChatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'chat',
    messages: [{ role: 'user', content: 'Say hello.' }],
    ...overrides,
  };
}

export async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

/** Awaits a promise expected to fail with a GatewayError and returns it. */
export async function gatewayErrorOf(pending: Promise<unknown>): Promise<GatewayError> {
  try {
    await pending;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError, but the call succeeded');
}

/** The concatenated text of a stream's content deltas (choice 0). */
export function streamedText(chunks: readonly ChatChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

/** Tool calls assembled from stream deltas, by index: what a client does with them. */
export function streamedToolCalls(
  chunks: readonly ChatChunk[],
): Array<{ id: string; name: string; arguments: string }> {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const chunk of chunks) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
      call.id += delta.id ?? '';
      call.name += delta.function?.name ?? '';
      call.arguments += delta.function?.arguments ?? '';
    }
  }
  return calls;
}
