/**
 * The fixed answer the fake upstream gives, in the OpenAI Chat Completions wire format
 * (https://platform.openai.com/docs/api-reference/chat/object and /chat/streaming). Built once
 * at start-up so that serving a request costs the fake upstream almost nothing.
 */

const ID = 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT';
const CREATED = 1_741_569_952;
const MODEL = 'gpt-4o-mini-2024-07-18';
const SYSTEM_FINGERPRINT = 'fp_06737a9306';

/** The assistant's reply, split into the content deltas a stream sends (20 of them). */
export const REPLY_PIECES: readonly string[] = [
  'A',
  ' gateway',
  ' sits',
  ' between',
  ' your',
  ' application',
  ' and',
  ' the',
  ' model',
  ' providers',
  ',',
  ' so',
  ' keys',
  ',',
  ' budgets',
  ' and',
  ' retries',
  ' live',
  ' in',
  ' one place.',
];

export const REPLY_TEXT = REPLY_PIECES.join('');

const USAGE = {
  prompt_tokens: 31,
  completion_tokens: REPLY_PIECES.length,
  total_tokens: 31 + REPLY_PIECES.length,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};

/** The body of a non-streaming answer. */
export const CHAT_COMPLETION_BODY = Buffer.from(
  JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: MODEL,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: REPLY_TEXT, refusal: null, annotations: [] },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: USAGE,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  }),
);

function chunk(
  choices: readonly unknown[],
  extra: { usage?: unknown } = {},
): Record<string, unknown> {
  return {
    id: ID,
    object: 'chat.completion.chunk',
    created: CREATED,
    model: MODEL,
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    ...('usage' in extra ? { usage: extra.usage } : {}),
  };
}

function event(data: unknown): Buffer {
  return Buffer.from(`data: ${JSON.stringify(data)}\n\n`);
}

/**
 * The SSE events of a streamed answer, one Buffer per event: the role chunk, 20 content chunks,
 * the finish chunk, then (with `include_usage`) the usage chunk with empty `choices`, then
 * `[DONE]`. With `include_usage`, OpenAI also sends `"usage": null` on every other chunk.
 */
export function streamEvents(includeUsage: boolean): readonly Buffer[] {
  const usageField = includeUsage ? { usage: null } : {};
  const events = [
    event(
      chunk(
        [
          {
            index: 0,
            delta: { role: 'assistant', content: '', refusal: null },
            logprobs: null,
            finish_reason: null,
          },
        ],
        usageField,
      ),
    ),
    ...REPLY_PIECES.map((piece) =>
      event(
        chunk(
          [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }],
          usageField,
        ),
      ),
    ),
    event(chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usageField)),
  ];
  if (includeUsage) events.push(event(chunk([], { usage: USAGE })));
  events.push(Buffer.from('data: [DONE]\n\n'));
  return events;
}
