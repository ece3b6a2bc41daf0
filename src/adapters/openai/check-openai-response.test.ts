import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkOpenAIResponse } from './check-openai-response.js';
import { openAIChatResponseSchema } from './openai-api.js';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8'));

const message = { role: 'assistant', content: 'hi' };
const choice = { index: 0, message, finish_reason: 'stop' };

/** Bodies the schema accepts. */
const valid: Array<[string, unknown]> = [
  ['the text fixture', fixture('openai-text.json')],
  ['the tool call fixture', fixture('openai-tool-call.json')],
  ['a minimal body', { choices: [{ message: {} }] }],
  ['nulls everywhere', { id: null, created: null, model: null, usage: null, choices: [] }],
  [
    'a tool call without type',
    {
      choices: [
        { message: { tool_calls: [{ id: 'c', function: { name: 'f', arguments: '{}' } }] } },
      ],
    },
  ],
  [
    'usage with details',
    {
      choices: [choice],
      usage: { prompt_tokens: 3, prompt_tokens_details: { cached_tokens: 1 } },
    },
  ],
];

/** Bodies the schema refuses. */
const invalid: Array<[string, unknown]> = [
  ['an array', [choice]],
  ['no choices', { id: 'x' }],
  ['a numeric id', { id: 1, choices: [] }],
  ['a fractional created', { created: 1.5, choices: [] }],
  ['an unsafe created', { created: 2 ** 60, choices: [] }],
  ['a choice without message', { choices: [{ index: 0 }] }],
  ['a negative index', { choices: [{ index: -1, message }] }],
  ['a numeric finish_reason', { choices: [{ message, finish_reason: 1 }] }],
  ['numeric content', { choices: [{ message: { content: 1 } }] }],
  ['numeric reasoning_content', { choices: [{ message: { reasoning_content: 1 } }] }],
  [
    'a tool call without id',
    {
      choices: [{ message: { tool_calls: [{ function: { name: 'f', arguments: '' } }] } }],
    },
  ],
  [
    'tool arguments as an object',
    {
      choices: [{ message: { tool_calls: [{ id: 'c', function: { name: 'f', arguments: {} } }] } }],
    },
  ],
  ['negative usage', { choices: [], usage: { prompt_tokens: -1 } }],
  [
    'a usage detail of the wrong type',
    {
      choices: [],
      usage: { completion_tokens_details: { reasoning_tokens: 'x' } },
    },
  ],
];

describe('checkOpenAIResponse', () => {
  it.each(valid)('accepts %s as the schema does, returning the body itself', (_name, body) => {
    const copy = structuredClone(body);
    const checked = checkOpenAIResponse(body);
    expect(checked).toBe(body);
    expect(checked).toEqual(openAIChatResponseSchema.parse(copy));
  });

  it.each(invalid)('leaves %s to the schema, which refuses it too', (_name, body) => {
    expect(checkOpenAIResponse(body)).toBeUndefined();
    expect(openAIChatResponseSchema.safeParse(body).success).toBe(false);
  });
});
