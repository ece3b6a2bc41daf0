import { describe, expect, it } from 'vitest';
import type { CallOptions } from '../../core/adapter.js';
import type { ChatRequest } from '../../core/chat-request.js';
import {
  makeCallOptions,
  makeChatRequest,
  makeDeployment,
} from '../../../test/support/adapter-harness.js';
import { claudeModelTraits } from './anthropic-models.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';

const SONNET_45 = 'claude-sonnet-4-5-20250929';
const HAIKU_35 = 'claude-3-5-haiku-20241022';
const OPUS_46 = 'claude-opus-4-6';

function convert(
  request: Partial<ChatRequest>,
  call: { model?: string; options?: CallOptions; stream?: boolean } = {},
) {
  const model = call.model ?? SONNET_45;
  return convertToAnthropicRequest(makeChatRequest(request), {
    model,
    traits: claudeModelTraits(makeDeployment({ provider: 'anthropic', providerModel: model })),
    options: call.options ?? makeCallOptions(),
    stream: call.stream ?? false,
  });
}

const SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' } },
  required: ['city'],
  additionalProperties: false,
};
const JSON_SCHEMA_FORMAT = {
  type: 'json_schema' as const,
  json_schema: { name: 'city', schema: SCHEMA, strict: true },
};

describe('convertToAnthropicRequest: parameters', () => {
  it('maps the sampling parameters, stop, user and stream', () => {
    const { body } = convert(
      { temperature: 0.3, top_p: 0.9, stop: '###', user: 'user-42', max_tokens: 300 },
      { stream: true },
    );
    expect(body).toEqual({
      model: SONNET_45,
      max_tokens: 300,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello.' }] }],
      stop_sequences: ['###'],
      temperature: 0.3,
      top_p: 0.9,
      metadata: { user_id: 'user-42' },
      stream: true,
    });
  });

  it('takes max_tokens from max_completion_tokens first, else the model default', () => {
    expect(convert({ max_completion_tokens: 500, max_tokens: 900 }).body.max_tokens).toBe(500);
    expect(convert({}).body.max_tokens).toBe(64_000);
    expect(convert({}, { model: OPUS_46 }).body.max_tokens).toBe(128_000);
    expect(convert({}, { model: 'custom-claude-proxy' }).body.max_tokens).toBe(4096);
  });

  it('deep-merges provider_options last and turns betas into the header list', () => {
    const plan = convert(
      { temperature: 0.5 },
      {
        options: makeCallOptions({
          providerOptions: {
            top_k: 40,
            metadata: { user_id: 'from-options' },
            betas: ['context-1m-2025-08-07'],
          },
        }),
      },
    );
    expect(plan.betas).toEqual(['context-1m-2025-08-07']);
    expect(plan.body).toMatchObject({ top_k: 40, metadata: { user_id: 'from-options' } });
    expect(plan.body).not.toHaveProperty('betas');
  });

  it.each([
    [{ n: 2 }, 'n'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ presence_penalty: 0.5 }, 'presence_penalty'],
    [{ frequency_penalty: -0.2 }, 'frequency_penalty'],
    [{ seed: 7 }, 'seed'],
    [{ service_tier: 'flex' }, 'service_tier'],
    [{ temperature: 1.5 }, 'temperature'],
  ] as Array<[Partial<ChatRequest>, string]>)('refuses %o', (request, param) => {
    expect(() => convert(request)).toThrow(
      expect.objectContaining({ code: 'unsupported_parameter', param, provider: 'anthropic' }),
    );
  });

  it('accepts the "unused" values of parameters it cannot honour', () => {
    expect(() =>
      convert({ n: 1, logprobs: false, presence_penalty: 0, frequency_penalty: 0 }),
    ).not.toThrow();
  });

  it('drops what it cannot honour under drop_params, with a warning each', () => {
    const options = makeCallOptions({ dropParams: true });
    const { body } = convert({ seed: 7, n: 3, temperature: 1.2 }, { options });
    expect(body).not.toHaveProperty('seed');
    expect(body).not.toHaveProperty('temperature');
    expect(options.warnings.messages).toEqual([
      'dropped n: not supported by anthropic (Anthropic returns one choice per request)',
      'dropped seed: not supported by anthropic',
      'dropped temperature: not supported by anthropic (Anthropic accepts 0 to 1, got 1.2)',
    ]);
  });
});

describe('convertToAnthropicRequest: tools', () => {
  const tools: ChatRequest['tools'] = [
    {
      type: 'function',
      function: { name: 'get_weather', description: 'Weather.', parameters: SCHEMA, strict: true },
      cache_control: { type: 'ephemeral' },
    },
    { type: 'function', function: { name: 'now' } },
  ];

  it('converts tools, with cache_control and strict', () => {
    expect(convert({ tools }).body.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather.',
        input_schema: SCHEMA,
        strict: true,
        cache_control: { type: 'ephemeral' },
      },
      { name: 'now', input_schema: { type: 'object', properties: {} } },
    ]);
  });

  it('leaves strict out with a warning where strict tool use does not exist', () => {
    const options = makeCallOptions();
    const { body } = convert({ tools }, { model: HAIKU_35, options });
    expect(body.tools).toEqual([expect.not.objectContaining({ strict: true }), expect.anything()]);
    expect(options.warnings.messages).toEqual([
      `strict ignored on tool get_weather: ${HAIKU_35} has no strict tool use`,
    ]);
  });

  it.each([
    ['auto', undefined, { type: 'auto' }],
    ['none', undefined, { type: 'none' }],
    ['required', undefined, { type: 'any' }],
    [{ type: 'function', function: { name: 'now' } }, undefined, { type: 'tool', name: 'now' }],
    ['required', false, { type: 'any', disable_parallel_tool_use: true }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    ['none', false, { type: 'none' }],
    [undefined, undefined, undefined],
  ] as Array<[ChatRequest['tool_choice'], boolean | undefined, unknown]>)(
    'tool_choice %o with parallel_tool_calls %o',
    (choice, parallel, expected) => {
      const { body } = convert({ tools, tool_choice: choice, parallel_tool_calls: parallel });
      expect(body.tool_choice).toEqual(expected);
    },
  );

  it('refuses a tool_choice that needs tools when there are none', () => {
    expect(() => convert({ tool_choice: 'required' })).toThrow(
      expect.objectContaining({ code: 'invalid_request', param: 'tool_choice' }),
    );
    expect(convert({ tool_choice: 'auto' }).body).not.toHaveProperty('tool_choice');
  });
});

describe('convertToAnthropicRequest: structured output', () => {
  it('uses output_config.format where the model has native structured output', () => {
    const options = makeCallOptions();
    const plan = convert({ response_format: JSON_SCHEMA_FORMAT }, { options });
    expect(plan.body.output_config).toEqual({ format: { type: 'json_schema', schema: SCHEMA } });
    expect(plan.body).not.toHaveProperty('tools');
    expect(plan.jsonToolName).toBeUndefined();
    expect(options.warnings.messages).toEqual([]);
  });

  it('forces a json_response tool elsewhere, with a warning', () => {
    const options = makeCallOptions();
    const plan = convert({ response_format: JSON_SCHEMA_FORMAT }, { model: HAIKU_35, options });
    expect(plan.jsonToolName).toBe('json_response');
    expect(plan.body.tools).toEqual([
      {
        name: 'json_response',
        description:
          'Give your final answer by calling this tool; its input is the answer, as JSON.',
        input_schema: SCHEMA,
      },
    ]);
    expect(plan.body.tool_choice).toEqual({ type: 'tool', name: 'json_response' });
    expect(options.warnings.messages).toEqual([
      `response_format json_schema emulated with a forced tool: ${HAIKU_35} has no native structured output`,
    ]);
  });

  it('emulates json_object on every model, and lets other tools compete with "any"', () => {
    const plan = convert({
      response_format: { type: 'json_object' },
      tools: [{ type: 'function', function: { name: 'now' } }],
    });
    expect(plan.body.tools).toEqual([
      { name: 'now', input_schema: { type: 'object', properties: {} } },
      expect.objectContaining({ name: 'json_response', input_schema: { type: 'object' } }),
    ]);
    expect(plan.body.tool_choice).toEqual({ type: 'any' });
  });
});

describe('convertToAnthropicRequest: reasoning', () => {
  it.each([
    ['minimal', 1024],
    ['low', 2048],
    ['medium', 8192],
    ['high', 16_384],
    ['xhigh', 32_768],
  ] as const)('reasoning_effort %s → budget_tokens %d on budget models', (effort, budget) => {
    const { body } = convert({ reasoning_effort: effort });
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: budget });
    expect(body).not.toHaveProperty('output_config');
  });

  it('cuts the budget to half of a smaller max_tokens, and refuses below the minimum', () => {
    expect(convert({ reasoning_effort: 'high', max_tokens: 10_000 }).body.thinking).toEqual({
      type: 'enabled',
      budget_tokens: 5000,
    });
    expect(() => convert({ reasoning_effort: 'low', max_tokens: 1500 })).toThrow(
      expect.objectContaining({ code: 'unsupported_parameter', param: 'reasoning_effort' }),
    );
  });

  it('uses adaptive thinking with output_config.effort on adaptive models', () => {
    const { body } = convert({ reasoning_effort: 'minimal' }, { model: OPUS_46 });
    expect(body.thinking).toEqual({ type: 'adaptive' });
    expect(body.output_config).toEqual({ effort: 'low' });
  });

  it('sends no thinking for none, and lets provider_options.thinking replace the mapping', () => {
    expect(convert({ reasoning_effort: 'none' }).body).not.toHaveProperty('thinking');
    const options = makeCallOptions({
      providerOptions: { thinking: { type: 'enabled', budget_tokens: 3000 } },
    });
    expect(convert({ reasoning_effort: 'high' }, { options }).body.thinking).toEqual({
      type: 'enabled',
      budget_tokens: 3000,
    });
  });

  it('refuses temperature with thinking, and thinking with an emulated response_format', () => {
    expect(() => convert({ reasoning_effort: 'low', temperature: 0.2 })).toThrow(
      expect.objectContaining({ code: 'unsupported_parameter', param: 'temperature' }),
    );
    expect(convert({ reasoning_effort: 'low', temperature: 1 }).body.temperature).toBe(1);
    expect(() =>
      convert(
        { reasoning_effort: 'low', response_format: JSON_SCHEMA_FORMAT },
        { model: HAIKU_35 },
      ),
    ).toThrow(
      expect.objectContaining({ code: 'unsupported_parameter', param: 'reasoning_effort' }),
    );
  });
});
