import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallOptions, ModelAdapter } from '../../src/core/adapter.js';
import { chatChunkSchema, type ChatChunk } from '../../src/core/chat-chunk.js';
import { chatResponseSchema } from '../../src/core/chat-response.js';
import { GatewayError } from '../../src/core/errors.js';
import { UpstreamPools } from '../../src/core/upstream-http.js';
import {
  gatewayErrorOf,
  makeCallOptions,
  makeChatRequest,
  streamedText,
  streamedToolCalls,
} from '../support/adapter-harness.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';

/**
 * The contract every adapter runs (STYLE habit 10): text, tool call, stream, 429, 500 and a
 * malformed chunk, asserted on the canonical output only; each adapter's own tests assert its
 * wire format. A subject scripts the fake upstream for each scenario and says what the canonical
 * answer must be, or declares the scenario not applicable with a reason: such scenarios are
 * registered as skipped tests named after the reason, so the report shows them.
 *
 *   describeAdapterContract({
 *     name: 'openai',
 *     provider: 'openai',
 *     createAdapter: ({ upstreamUrl, pools }) => createOpenAIAdapter(deployment(upstreamUrl), pools),
 *     scenarios: { text: ({ upstream }) => { upstream.enqueue(...); return { text: '...' }; }, ... },
 *   });
 */

/** Whether the scenario runs through `generate` or `stream`. */
export type ContractMode = 'generate' | 'stream';

export interface ArrangeContext {
  readonly upstream: FakeUpstream;
  readonly mode: ContractMode;
}

/** Scripts the upstream for one scenario and returns what the canonical result must be. */
export type Arrange<T> = (context: ArrangeContext) => T | Promise<T>;

/** A scenario that cannot apply to this adapter, and why. */
export interface NotApplicable {
  readonly notApplicable: string;
}

export interface TextExpectation {
  /** The whole answer text. */
  readonly text: string;
  /** Call options the scenario needs (e.g. the mock provider's `mockResponse`). */
  readonly options?: Partial<CallOptions>;
}

export interface ToolCallExpectation {
  /** The calls in order, with their arguments parsed from JSON. */
  readonly calls: ReadonlyArray<{ readonly name: string; readonly arguments: unknown }>;
}

export interface RateLimitExpectation {
  /** The upstream's Retry-After, in seconds. */
  readonly retryAfterSeconds: number | undefined;
}

export interface ContractScenarios {
  readonly text: Arrange<TextExpectation> | NotApplicable;
  readonly toolCall: Arrange<ToolCallExpectation> | NotApplicable;
  readonly stream: Arrange<TextExpectation> | NotApplicable;
  readonly rateLimited: Arrange<RateLimitExpectation> | NotApplicable;
  readonly serverError: Arrange<void> | NotApplicable;
  readonly malformedChunk: Arrange<void> | NotApplicable;
}

export interface AdapterContractSubject {
  /** The describe block's name. */
  readonly name: string;
  /** The `provider` the adapter and its errors report. */
  readonly provider: string;
  createAdapter(context: {
    readonly upstreamUrl: string;
    readonly pools: UpstreamPools;
  }): ModelAdapter;
  readonly scenarios: ContractScenarios;
}

function isNotApplicable<T>(scenario: Arrange<T> | NotApplicable): scenario is NotApplicable {
  return typeof scenario !== 'function';
}

async function collectStream(
  adapter: ModelAdapter,
  options: Partial<CallOptions> = {},
): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of adapter.stream(
    makeChatRequest({ stream: true }),
    makeCallOptions(options),
  )) {
    chunks.push(chunk);
  }
  return chunks;
}

/** What every stream must look like (ModelAdapter.stream's contract). */
function expectStreamShape(chunks: readonly ChatChunk[]): void {
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
}

/** Fails the way the contract requires: a provider-layer GatewayError from this provider. */
async function providerError(
  subject: AdapterContractSubject,
  adapter: ModelAdapter,
  mode: ContractMode,
): Promise<GatewayError> {
  const error =
    mode === 'generate'
      ? await gatewayErrorOf(adapter.generate(makeChatRequest(), makeCallOptions()))
      : await gatewayErrorOf(collectStream(adapter));
  expect(error).toBeInstanceOf(GatewayError);
  expect(error.layer).toBe('provider');
  expect(error.provider).toBe(subject.provider);
  return error;
}

/** Registers the contract suite for one adapter. */
export function describeAdapterContract(subject: AdapterContractSubject): void {
  describe(`adapter contract: ${subject.name}`, () => {
    let upstream: FakeUpstream;
    let pools: UpstreamPools;
    let adapter: ModelAdapter;

    beforeAll(async () => {
      upstream = await startFakeUpstream();
      pools = new UpstreamPools();
    });
    afterAll(async () => {
      await pools.close();
      await upstream.close();
    });
    beforeEach(() => {
      upstream.reset();
      adapter = subject.createAdapter({ upstreamUrl: upstream.url, pools });
    });

    /** Registers one scenario in one mode, or a skipped test that says why it does not apply. */
    function scenario<T>(definition: {
      readonly title: string;
      readonly mode: ContractMode;
      readonly arrange: Arrange<T> | NotApplicable;
      readonly run: (expected: T) => Promise<void>;
    }): void {
      const { title, mode, arrange, run } = definition;
      const name = `${title} (${mode})`;
      if (isNotApplicable(arrange)) {
        it.skip(`${name}: not applicable, ${arrange.notApplicable}`, () => undefined);
        return;
      }
      it(name, async () => {
        const expected = await arrange({ upstream, mode });
        await run(expected);
        // Adapters never retry on their own: retries belong to the router.
        expect(upstream.requests.length).toBeLessThanOrEqual(1);
      });
    }

    const { scenarios } = subject;

    scenario({
      title: 'text',
      mode: 'generate',
      arrange: scenarios.text,
      run: async (expected) => {
        const response = await adapter.generate(
          makeChatRequest(),
          makeCallOptions(expected.options),
        );
        expect(chatResponseSchema.safeParse(response).error).toBeUndefined();
        expect(response.choices[0]?.message).toMatchObject({
          role: 'assistant',
          content: expected.text,
        });
        expect(response.choices[0]?.finish_reason).toBe('stop');
        expect(response.usage?.total_tokens).toBeGreaterThan(0);
      },
    });

    scenario({
      title: 'stream',
      mode: 'stream',
      arrange: scenarios.stream,
      run: async (expected) => {
        const chunks = await collectStream(adapter, expected.options);
        expectStreamShape(chunks);
        expect(streamedText(chunks)).toBe(expected.text);
        expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'stop')).toBe(true);
      },
    });

    for (const mode of ['generate', 'stream'] as const) {
      scenario({
        title: 'tool call',
        mode,
        arrange: scenarios.toolCall,
        run: async (expected) => {
          if (mode === 'generate') {
            const response = await adapter.generate(makeChatRequest(), makeCallOptions());
            expect(chatResponseSchema.safeParse(response).error).toBeUndefined();
            expect(response.choices[0]?.finish_reason).toBe('tool_calls');
            const calls = response.choices[0]?.message.tool_calls ?? [];
            expect(
              calls.map((call) => ({
                name: call.function.name,
                arguments: JSON.parse(call.function.arguments) as unknown,
              })),
            ).toEqual(expected.calls);
            return;
          }
          const chunks = await collectStream(adapter);
          expectStreamShape(chunks);
          const calls = streamedToolCalls(chunks);
          expect(calls.every((call) => call.id !== '')).toBe(true);
          expect(
            calls.map((call) => ({
              name: call.name,
              arguments: JSON.parse(call.arguments) as unknown,
            })),
          ).toEqual(expected.calls);
          expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason === 'tool_calls')).toBe(
            true,
          );
        },
      });

      scenario({
        title: 'upstream 429',
        mode,
        arrange: scenarios.rateLimited,
        run: async (expected) => {
          const error = await providerError(subject, adapter, mode);
          expect({
            code: error.code,
            status: error.status,
            isRetryable: error.isRetryable,
            retryAfterSeconds: error.retryAfterSeconds,
          }).toEqual({
            code: 'upstream_rate_limited',
            status: 429,
            isRetryable: true,
            retryAfterSeconds: expected.retryAfterSeconds,
          });
        },
      });

      scenario({
        title: 'upstream 500',
        mode,
        arrange: scenarios.serverError,
        run: async () => {
          const error = await providerError(subject, adapter, mode);
          expect({
            code: error.code,
            status: error.status,
            isRetryable: error.isRetryable,
          }).toEqual({
            code: 'upstream_error',
            status: 502,
            isRetryable: true,
          });
        },
      });
    }

    scenario({
      title: 'malformed chunk',
      mode: 'stream',
      arrange: scenarios.malformedChunk,
      run: async () => {
        const error = await providerError(subject, adapter, 'stream');
        expect({ code: error.code, status: error.status }).toEqual({
          code: 'upstream_invalid_response',
          status: 502,
        });
      },
    });
  });
}
