import OpenAI from 'openai';
import { reply, type FakeUpstream, type RecordedRequest } from '../support/fake-upstream.js';
import type { TestGateway } from '../support/test-gateway.js';

/** Config prices (USD per token) used by the accounting tests: round numbers, exact in nano-USD. */
export const INPUT_PRICE = 0.000001; // 1,000 nano-USD per prompt token
export const OUTPUT_PRICE = 0.000002; // 2,000 nano-USD per completion token

/** The fake upstream's usage for every answer: 10 prompt + 20 completion = 50,000 nano-USD. */
export const PROMPT_TOKENS = 10;
export const COMPLETION_TOKENS = 20;
export const COST_PER_REQUEST_USD = PROMPT_TOKENS * INPUT_PRICE + COMPLETION_TOKENS * OUTPUT_PRICE;

export function pricedConfig(upstream: FakeUpstream): Record<string, unknown> {
  return {
    model_list: [
      {
        model_name: 'chat',
        litellm_params: {
          model: 'openai/gpt-4o-mini',
          api_base: `${upstream.url}/v1`,
          api_key: 'sk-upstream-0123456789',
          input_cost_per_token: INPUT_PRICE,
          output_cost_per_token: OUTPUT_PRICE,
        },
        model_info: { id: 'chat-1' },
      },
      { model_name: 'other', litellm_params: { model: 'mock/other' } },
    ],
  };
}

export function completionBody(): unknown {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_731_000_000,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'twenty tokens of answer' },
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: PROMPT_TOKENS,
      completion_tokens: COMPLETION_TOKENS,
      total_tokens: PROMPT_TOKENS + COMPLETION_TOKENS,
    },
  };
}

/** Stream chunks: role, `words` content chunks, finish, usage (10/20 tokens). */
export function streamChunks(words: number): string[] {
  const base = {
    id: 'chatcmpl-s',
    object: 'chat.completion.chunk',
    created: 1_731_000_000,
    model: 'gpt-4o-mini',
  };
  return [
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    }),
    ...Array.from({ length: words }, (_, index) =>
      JSON.stringify({
        ...base,
        choices: [{ index: 0, delta: { content: ` word${index}` }, finish_reason: null }],
      }),
    ),
    JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
    JSON.stringify({
      ...base,
      choices: [],
      usage: {
        prompt_tokens: PROMPT_TOKENS,
        completion_tokens: COMPLETION_TOKENS,
        total_tokens: PROMPT_TOKENS + COMPLETION_TOKENS,
      },
    }),
  ];
}

/** Answers every request (JSON or SSE by the request's `stream`) after `delayMs`. */
export function answerAll(upstream: FakeUpstream, delayMs = 0): void {
  upstream.setDefault((request: RecordedRequest) =>
    (request.body as { stream?: boolean } | undefined)?.stream === true
      ? reply.sse(streamChunks(3), { delayMs })
      : reply.json(completionBody(), { delayMs }),
  );
}

export function clientFor(gateway: TestGateway, apiKey: string): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
}

export const MESSAGES = [{ role: 'user' as const, content: 'hello' }];
