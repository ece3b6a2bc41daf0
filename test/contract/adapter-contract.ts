import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ModelAdapter } from '../../src/core/adapter.js';
import type { ChatChunk } from '../../src/core/chat-chunk.js';
import type { ChatMessage } from '../../src/core/chat-request.js';
import { UpstreamPools } from '../../src/core/upstream-http.js';
import { streamedText } from '../support/adapter-harness.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import {
  collectStream,
  expectProviderError,
  expectStreamShape,
  generateValid,
  parsedMessageToolCalls,
  parsedStreamedToolCalls,
  streamedReasoning,
  streamFinishReasons,
  thrownBy,
  type ContractCall,
} from './contract-checks.js';
import {
  CONTRACT_IMAGE_BASE64,
  CONTRACT_IMAGE_MEDIA_TYPE,
  CONTRACT_IMAGE_QUESTION,
  CONTRACT_RESPONSE_FORMAT,
  CONTRACT_SCENARIO_NAMES,
  CONTRACT_SYSTEM_PROMPT,
  CONTRACT_TOOL_ARGUMENTS,
  CONTRACT_TOOL_CALL_ID,
  CONTRACT_TOOL_RESULT,
  CONTRACT_TOOL_ROUND_TRIP,
  CONTRACT_TOOLS,
  CONTRACT_TURNS,
  isNotApplicable,
  type Arrange,
  type ContractMode,
  type ContractScenarios,
  type NotApplicable,
} from './contract-scenarios.js';

export * from './contract-scenarios.js';

/**
 * The contract every adapter runs (STYLE habit 10), asserted on the canonical output (and, for
 * conversation scenarios, on what reached the upstream, decoded by the subject's `read`); each
 * adapter's own tests assert its exact wire format. A subject scripts the fake upstream for each
 * scenario and says what the canonical answer must be, or declares the scenario not applicable
 * with a reason: such scenarios are registered as skipped tests named after the reason.
 * `ContractScenarios` is closed: every scenario must be addressed (contract-scenarios.ts).
 *
 *   describeAdapterContract({
 *     name: 'openai',
 *     provider: 'openai',
 *     createAdapter: ({ upstreamUrl, pools }) => createOpenAIAdapter(deployment(upstreamUrl), pools),
 *     scenarios: { text: ({ upstream }) => { upstream.enqueue(...); return { text: '...' }; }, ... },
 *   });
 */

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

const SCENARIO_TITLES: Record<keyof ContractScenarios, string> = {
  text: 'text',
  stream: 'stream',
  systemPrompt: 'system prompt',
  multiTurn: 'multi-turn conversation',
  image: 'image input',
  toolCall: 'tool call',
  toolResult: 'tool result round trip',
  parallelToolCalls: 'parallel tool calls',
  structuredOutput: 'structured output',
  reasoning: 'reasoning',
  rateLimited: 'upstream 429',
  serverError: 'upstream 500',
  malformedChunk: 'malformed chunk',
  connectionReset: 'connection reset mid-stream',
  streamUsage: 'usage in streams',
};

const TOOL_QUESTION: ChatMessage = {
  role: 'user',
  content: 'What is the weather in Paris and in Tokyo?',
};

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

    it('addresses every scenario of the contract, and only those', () => {
      expect(Object.keys(subject.scenarios).sort()).toEqual([...CONTRACT_SCENARIO_NAMES].sort());
    });

    /** Registers one scenario in one mode, or a skipped test that says why it does not apply. */
    function scenario<T>(definition: {
      readonly key: keyof ContractScenarios;
      readonly mode: ContractMode;
      readonly arrange: Arrange<T> | NotApplicable;
      readonly run: (expected: T) => Promise<void>;
    }): void {
      const { key, mode, arrange, run } = definition;
      const name = `${SCENARIO_TITLES[key]} (${mode})`;
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

    /** The one request the upstream received. */
    function received() {
      expect(upstream.requests).toHaveLength(1);
      const request = upstream.requests[0];
      if (request === undefined) throw new Error('the upstream received no request');
      return request;
    }

    /** A text answer (generate) with finish `stop`. */
    async function expectTextAnswer(call: ContractCall, text: string): Promise<void> {
      const response = await generateValid(adapter, call);
      expect(response.choices[0]?.message).toMatchObject({ role: 'assistant', content: text });
      expect(response.choices[0]?.finish_reason).toBe('stop');
      expect(response.usage?.total_tokens).toBeGreaterThan(0);
    }

    async function providerError(
      mode: ContractMode,
    ): Promise<ReturnType<typeof expectProviderError>> {
      const pending = mode === 'generate' ? generateValid(adapter) : collectStream(adapter);
      return expectProviderError(await thrownBy(pending), subject.provider);
    }

    const { scenarios } = subject;

    scenario({
      key: 'text',
      mode: 'generate',
      arrange: scenarios.text,
      run: (expected) => expectTextAnswer({ options: expected.options }, expected.text),
    });

    scenario({
      key: 'stream',
      mode: 'stream',
      arrange: scenarios.stream,
      run: async (expected) => {
        const chunks = await collectStream(adapter, { options: expected.options });
        expectStreamShape(chunks);
        expect(streamedText(chunks)).toBe(expected.text);
        expect(streamFinishReasons(chunks)).toEqual(['stop']);
      },
    });

    scenario({
      key: 'systemPrompt',
      mode: 'generate',
      arrange: scenarios.systemPrompt,
      run: async (expected) => {
        const messages: ChatMessage[] = [
          { role: 'system', content: CONTRACT_SYSTEM_PROMPT },
          { role: 'user', content: 'Say hello.' },
        ];
        await expectTextAnswer({ request: { messages } }, expected.text);
        expect(expected.read(received())).toBe(CONTRACT_SYSTEM_PROMPT);
      },
    });

    scenario({
      key: 'multiTurn',
      mode: 'generate',
      arrange: scenarios.multiTurn,
      run: async (expected) => {
        const messages: ChatMessage[] = CONTRACT_TURNS.map((turn) => ({
          role: turn.role,
          content: turn.text,
        }));
        await expectTextAnswer({ request: { messages } }, expected.text);
        expect(expected.read(received())).toEqual(CONTRACT_TURNS);
      },
    });

    scenario({
      key: 'image',
      mode: 'generate',
      arrange: scenarios.image,
      run: async (expected) => {
        const url = `data:${CONTRACT_IMAGE_MEDIA_TYPE};base64,${CONTRACT_IMAGE_BASE64}`;
        const messages: ChatMessage[] = [
          {
            role: 'user',
            content: [
              { type: 'text', text: CONTRACT_IMAGE_QUESTION },
              { type: 'image_url', image_url: { url } },
            ],
          },
        ];
        await expectTextAnswer({ request: { messages } }, expected.text);
        const sent = expected.read(received());
        expect(sent.base64).toBe(CONTRACT_IMAGE_BASE64);
        expect(sent.text).toBe(CONTRACT_IMAGE_QUESTION);
        expect([undefined, CONTRACT_IMAGE_MEDIA_TYPE]).toContain(sent.mediaType);
      },
    });

    scenario({
      key: 'toolResult',
      mode: 'generate',
      arrange: scenarios.toolResult,
      run: async (expected) => {
        const call = { request: { messages: CONTRACT_TOOL_ROUND_TRIP, tools: CONTRACT_TOOLS } };
        await expectTextAnswer(call, expected.text);
        const sent = expected.read(received());
        expect(sent.call).toMatchObject({
          name: 'get_weather',
          arguments: CONTRACT_TOOL_ARGUMENTS,
        });
        expect(sent.result.content).toEqual(CONTRACT_TOOL_RESULT);
        // Where the wire carries ids, the call and its result must still pair up.
        expect([undefined, CONTRACT_TOOL_CALL_ID]).toContain(sent.call.id);
        expect(sent.result.callId).toBe(sent.call.id);
      },
    });

    scenario({
      key: 'parallelToolCalls',
      mode: 'stream',
      arrange: scenarios.parallelToolCalls,
      run: async (expected) => {
        expect(expected.calls.length).toBeGreaterThanOrEqual(2);
        const request = { messages: [TOOL_QUESTION], tools: CONTRACT_TOOLS };
        const chunks = await collectStream(adapter, { request });
        expectStreamShape(chunks);
        expect(parsedStreamedToolCalls(chunks)).toEqual(expected.calls);
        expect(streamedText(chunks)).toBe(expected.text);
        expect(streamFinishReasons(chunks)).toEqual(['tool_calls']);
      },
    });

    scenario({
      key: 'connectionReset',
      mode: 'stream',
      arrange: scenarios.connectionReset,
      run: async (expected) => {
        expect(expected.textBeforeReset).not.toBe('');
        const chunks: ChatChunk[] = [];
        const error = expectProviderError(
          await thrownBy(collectStream(adapter, {}, chunks)),
          subject.provider,
        );
        expect(streamedText(chunks)).toBe(expected.textBeforeReset);
        expect({ code: error.code, isRetryable: error.isRetryable }).toEqual({
          code: 'upstream_connection_failed',
          isRetryable: true,
        });
      },
    });

    scenario({
      key: 'streamUsage',
      mode: 'stream',
      arrange: scenarios.streamUsage,
      run: async (expected) => {
        // No stream_options: the adapter reports usage whether or not the client asked for it.
        const chunks = await collectStream(adapter, { options: expected.options });
        const usage = expectStreamShape(chunks);
        expect(usage).toMatchObject(expected.usage);
        expect(usage?.prompt_tokens).toBeGreaterThan(0);
        expect(usage?.completion_tokens).toBeGreaterThan(0);
      },
    });

    scenario({
      key: 'malformedChunk',
      mode: 'stream',
      arrange: scenarios.malformedChunk,
      run: async () => {
        const error = await providerError('stream');
        expect({ code: error.code, status: error.status }).toEqual({
          code: 'upstream_invalid_response',
          status: 502,
        });
      },
    });

    for (const mode of ['generate', 'stream'] as const) {
      scenario({
        key: 'toolCall',
        mode,
        arrange: scenarios.toolCall,
        run: async (expected) => {
          const request = { messages: [TOOL_QUESTION], tools: CONTRACT_TOOLS };
          if (mode === 'generate') {
            const response = await generateValid(adapter, { request });
            expect(response.choices[0]?.finish_reason).toBe('tool_calls');
            expect(parsedMessageToolCalls(response)).toEqual(expected.calls);
            return;
          }
          const chunks = await collectStream(adapter, { request });
          expectStreamShape(chunks);
          expect(parsedStreamedToolCalls(chunks)).toEqual(expected.calls);
          expect(streamFinishReasons(chunks)).toEqual(['tool_calls']);
        },
      });

      scenario({
        key: 'structuredOutput',
        mode,
        arrange: scenarios.structuredOutput,
        run: async (expected) => {
          const request = { response_format: CONTRACT_RESPONSE_FORMAT };
          // The answer is message content whatever the provider does to get it (never a tool call).
          if (mode === 'generate') {
            const response = await generateValid(adapter, { request });
            const message = response.choices[0]?.message;
            expect(message?.tool_calls ?? []).toEqual([]);
            expect(JSON.parse(message?.content ?? 'null')).toEqual(expected.value);
            expect(response.choices[0]?.finish_reason).toBe('stop');
            return;
          }
          const chunks = await collectStream(adapter, { request });
          expectStreamShape(chunks);
          expect(chunks.some((chunk) => chunk.choices[0]?.delta.tool_calls != null)).toBe(false);
          expect(JSON.parse(streamedText(chunks))).toEqual(expected.value);
          expect(streamFinishReasons(chunks)).toEqual(['stop']);
        },
      });

      scenario({
        key: 'reasoning',
        mode,
        arrange: scenarios.reasoning,
        run: async (expected) => {
          expect(expected.reasoningTokens).toBeGreaterThan(0);
          const request = { reasoning_effort: 'high' as const };
          if (mode === 'generate') {
            const response = await generateValid(adapter, { request });
            const message = response.choices[0]?.message;
            expect(message?.content).toBe(expected.text);
            expect(message?.reasoning_content ?? null).toBe(expected.reasoning);
            expect(response.usage?.completion_tokens_details?.reasoning_tokens).toBe(
              expected.reasoningTokens,
            );
          } else {
            const chunks = await collectStream(adapter, { request });
            const usage = expectStreamShape(chunks);
            expect(streamedText(chunks)).toBe(expected.text);
            expect(streamedReasoning(chunks) || null).toBe(expected.reasoning);
            expect(usage?.completion_tokens_details?.reasoning_tokens).toBe(
              expected.reasoningTokens,
            );
          }
          expect(expected.read(received())).toBe(true);
        },
      });

      scenario({
        key: 'rateLimited',
        mode,
        arrange: scenarios.rateLimited,
        run: async (expected) => {
          const error = await providerError(mode);
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
        key: 'serverError',
        mode,
        arrange: scenarios.serverError,
        run: async () => {
          const error = await providerError(mode);
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
  });
}
