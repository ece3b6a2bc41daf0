import { expect } from 'vitest';
import type { CallOptions, ModelAdapter } from '../../src/core/adapter.js';
import { chatChunkSchema, type ChatChunk } from '../../src/core/chat-chunk.js';
import type { ChatRequest } from '../../src/core/chat-request.js';
import { chatResponseSchema, type ChatResponse } from '../../src/core/chat-response.js';
import { GatewayError } from '../../src/core/errors.js';
import type { Usage } from '../../src/core/usage.js';
import { makeCallOptions, makeChatRequest, streamedToolCalls } from '../support/adapter-harness.js';
import type { ExpectedToolCall } from './contract-scenarios.js';

/** Assertions the contract suite shares between scenarios. */

export interface ContractCall {
  readonly request?: Partial<ChatRequest>;
  readonly options?: Partial<CallOptions> | undefined;
}

export async function generateValid(
  adapter: ModelAdapter,
  call: ContractCall = {},
): Promise<ChatResponse> {
  const response = await adapter.generate(
    makeChatRequest(call.request),
    makeCallOptions(call.options),
  );
  expect(chatResponseSchema.safeParse(response).error).toBeUndefined();
  return response;
}

/** Drains a stream; chunks received before a failure are kept in `chunks`. */
export async function collectStream(
  adapter: ModelAdapter,
  call: ContractCall = {},
  chunks: ChatChunk[] = [],
): Promise<ChatChunk[]> {
  const request = makeChatRequest({ stream: true, ...call.request });
  for await (const chunk of adapter.stream(request, makeCallOptions(call.options))) {
    chunks.push(chunk);
  }
  return chunks;
}

/** What every stream must look like (ModelAdapter.stream's contract); returns the final usage. */
export function expectStreamShape(chunks: readonly ChatChunk[]): Usage | undefined {
  for (const chunk of chunks) expect(chatChunkSchema.safeParse(chunk).error).toBeUndefined();
  const last = chunks.at(-1);
  expect(last?.choices).toEqual([]);
  expect(last?.usage?.total_tokens).toBe(
    (last?.usage?.prompt_tokens ?? Number.NaN) + (last?.usage?.completion_tokens ?? Number.NaN),
  );
  const usageChunks = chunks.filter((chunk) => chunk.usage != null);
  expect(usageChunks).toEqual([last]);
  expect(chunks[0]?.choices.length).toBeGreaterThan(0);
  expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  return last?.usage ?? undefined;
}

export function streamFinishReasons(chunks: readonly ChatChunk[]): string[] {
  return chunks.flatMap((chunk) => {
    const reason = chunk.choices[0]?.finish_reason;
    return reason == null ? [] : [reason];
  });
}

export function streamedReasoning(chunks: readonly ChatChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join('');
}

/**
 * Tool-call deltas use OpenAI indexes: the delta that opens a call (it carries the id) takes the
 * next index among the turn's tool calls, 0, 1, 2..., whatever the provider numbers internally;
 * later fragments reuse it.
 */
export function expectToolCallIndexes(chunks: readonly ChatChunk[]): void {
  const opened: number[] = [];
  for (const chunk of chunks) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      if (delta.id != null) {
        expect(delta.index, `call ${delta.id} opens at the next index`).toBe(opened.length);
        expect(delta.function?.name, `call ${delta.id} names its function`).toBeTruthy();
        opened.push(delta.index);
      } else {
        expect(opened, 'a fragment extends a call already opened').toContain(delta.index);
      }
    }
  }
}

/** Streamed tool calls, checked for ids and indexes, with arguments parsed. */
export function parsedStreamedToolCalls(chunks: readonly ChatChunk[]): ExpectedToolCall[] {
  expectToolCallIndexes(chunks);
  const calls = streamedToolCalls(chunks);
  const ids = calls.map((call) => call.id);
  expect(ids.every((id) => id !== '')).toBe(true);
  expect(new Set(ids).size).toBe(ids.length);
  return calls.map((call) => ({
    name: call.name,
    arguments: JSON.parse(call.arguments) as unknown,
  }));
}

export function parsedMessageToolCalls(response: ChatResponse): ExpectedToolCall[] {
  return (response.choices[0]?.message.tool_calls ?? []).map((call) => ({
    name: call.function.name,
    arguments: JSON.parse(call.function.arguments) as unknown,
  }));
}

/** Fails the way the contract requires: a provider-layer GatewayError from this provider. */
export function expectProviderError(error: unknown, provider: string): GatewayError {
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect(gatewayError.layer).toBe('provider');
  expect(gatewayError.provider).toBe(provider);
  return gatewayError;
}

/** Runs `pending` and returns what it threw (or fails when it did not throw). */
export async function thrownBy(pending: Promise<unknown>): Promise<unknown> {
  try {
    await pending;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
