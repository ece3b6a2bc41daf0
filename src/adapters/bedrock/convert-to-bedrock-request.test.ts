import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { GatewayError } from '../../core/errors.js';
import { makeCallOptions, makeChatRequest } from '../../../test/support/adapter-harness.js';
import { convertToBedrockRequest } from './convert-to-bedrock-request.js';

const CLAUDE = 'anthropic.claude-3-7-sonnet-20250219-v1:0';

function convert(
  request: Partial<ChatRequest>,
  options: Parameters<typeof makeCallOptions>[0] = {},
) {
  const callOptions = makeCallOptions(options);
  const body = convertToBedrockRequest(makeChatRequest(request), {
    modelId: CLAUDE,
    options: callOptions,
  });
  return { body, warnings: callOptions.warnings.messages };
}

function errorOf(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
};

describe('convertToBedrockRequest: parameters', () => {
  it.each([
    ['n', { n: 2 }],
    ['seed', { seed: 7 }],
    ['logprobs', { logprobs: true }],
    ['presence_penalty', { presence_penalty: 0.5 }],
    ['prediction', { prediction: { type: 'content', content: 'x' } }],
    ['parallel_tool_calls', { parallel_tool_calls: false }],
  ])('refuses %s with a 400 naming it and bedrock', (param, fields) => {
    const error = errorOf(() => convert(fields));
    expect([error.code, error.status, error.param]).toEqual(['unsupported_parameter', 400, param]);
    expect(error.message).toContain('bedrock');
  });

  it('accepts user without sending it: the gateway records it on the spend row', () => {
    const { body, warnings } = convert({ user: 'u-1' });
    expect(warnings).toEqual([]);
    expect(body).toEqual({ messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }] });
  });

  it('drops them with a warning under drop_params, and accepts OpenAI defaults', () => {
    const { body, warnings } = convert(
      { seed: 7, n: 1, logprobs: false, parallel_tool_calls: true },
      { dropParams: true },
    );
    expect(warnings).toEqual(['dropped seed: not supported by bedrock']);
    expect(body).toEqual({ messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }] });
  });

  it('maps max_completion_tokens over max_tokens, and a single stop string', () => {
    const { body } = convert({ max_tokens: 10, max_completion_tokens: 20, stop: 'END' });
    expect(body.inferenceConfig).toEqual({ maxTokens: 20, stopSequences: ['END'] });
  });
});

describe('convertToBedrockRequest: tools', () => {
  it.each([
    ['auto', { auto: {} }],
    ['required', { any: {} }],
    [{ type: 'function', function: { name: 'get_weather' } }, { tool: { name: 'get_weather' } }],
  ] as const)('maps tool_choice %j', (choice, expected) => {
    const { body } = convert({ tools: [weatherTool], tool_choice: choice });
    expect(body.toolConfig?.toolChoice).toEqual(expected);
  });

  it('honours tool_choice none by leaving the tools out', () => {
    const { body, warnings } = convert({ tools: [weatherTool], tool_choice: 'none' });
    expect(body.toolConfig).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('keeps the tools with a warning when "none" meets a conversation with tool calls', () => {
    const { body, warnings } = convert({
      tools: [weatherTool],
      tool_choice: 'none',
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 't1', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: 'sunny' },
        { role: 'tool', tool_call_id: 't2', content: 'rainy' },
      ],
    });
    expect(body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            inputSchema: { json: { type: 'object', properties: {} } },
          },
        },
      ],
    });
    expect(warnings).toHaveLength(1);
    // Empty arguments are an empty object; both results share one user message.
    expect(body.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather?' }] },
      {
        role: 'assistant',
        content: [{ toolUse: { toolUseId: 't1', name: 'get_weather', input: {} } }],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 't1', content: [{ text: 'sunny' }] } },
          { toolResult: { toolUseId: 't2', content: [{ text: 'rainy' }] } },
        ],
      },
    ]);
  });

  it('refuses tool call arguments that are not a JSON object', () => {
    const error = errorOf(() =>
      convert({
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '[1]' } }],
          },
        ],
      }),
    );
    expect([error.code, error.param]).toEqual(['invalid_request', 'messages[0].tool_calls[0]']);
  });
});

describe('convertToBedrockRequest: structured output and reasoning', () => {
  it('maps json_schema to outputConfig.textFormat with the schema as a JSON string', () => {
    const schema = {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    };
    const { body } = convert({
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'weather', schema, strict: true },
      },
    });
    expect(body.outputConfig).toEqual({
      textFormat: {
        type: 'json_schema',
        structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'weather' } },
      },
    });
  });

  it('refuses json_object (Converse has no schema-less JSON mode)', () => {
    const error = errorOf(() => convert({ response_format: { type: 'json_object' } }));
    expect(error.param).toBe('response_format');
  });

  it('turns reasoning_effort into Claude thinking with room for the answer', () => {
    expect(convert({ reasoning_effort: 'high' }).body).toMatchObject({
      inferenceConfig: { maxTokens: 8192 },
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 4096 } },
    });
    expect(convert({ reasoning_effort: 'low', max_tokens: 3000 }).body.inferenceConfig).toEqual({
      maxTokens: 3000,
    });
    expect(convert({ reasoning_effort: 'none' }).body.additionalModelRequestFields).toBeUndefined();
  });

  it('lets provider_options override the thinking settings', () => {
    const { body } = convert(
      { reasoning_effort: 'low' },
      { providerOptions: { additionalModelRequestFields: { thinking: { budget_tokens: 3000 } } } },
    );
    expect(body.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 3000 },
    });
  });

  it('refuses a max_tokens at or under the thinking budget, and reasoning for non-Claude models', () => {
    expect(errorOf(() => convert({ reasoning_effort: 'medium', max_tokens: 2048 })).param).toBe(
      'max_tokens',
    );
    const error = errorOf(() =>
      convertToBedrockRequest(makeChatRequest({ reasoning_effort: 'low' }), {
        modelId: 'amazon.nova-pro-v1:0',
        options: makeCallOptions(),
      }),
    );
    expect([error.code, error.param]).toEqual(['unsupported_parameter', 'reasoning_effort']);
  });

  it('sends signed reasoning back before the text and tool calls of an assistant turn', () => {
    const { body } = convert({
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: 'Checking.',
          reasoning_content: 'I should call the tool.',
          provider_metadata: {
            bedrock: { signature: 'sig-1', redacted_reasoning: ['ZW5jcnlwdGVk'] },
          },
          tool_calls: [
            { id: 't1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 't1', content: 'sunny' },
      ],
    });
    expect(body.messages[1]?.content).toEqual([
      {
        reasoningContent: {
          reasoningText: { text: 'I should call the tool.', signature: 'sig-1' },
        },
      },
      { reasoningContent: { redactedContent: 'ZW5jcnlwdGVk' } },
      { text: 'Checking.' },
      { toolUse: { toolUseId: 't1', name: 'get_weather', input: {} } },
    ]);
  });
});

describe('convertToBedrockRequest: content', () => {
  it('refuses image URLs it would have to fetch, with a clear message', () => {
    const error = errorOf(() =>
      convert({
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }],
          },
        ],
      }),
    );
    expect([error.code, error.status, error.param]).toEqual([
      'invalid_request',
      400,
      'messages[0].content[0]',
    ]);
    expect(error.message).toContain('data: URLs');
  });

  it('maps a PDF file part to a document block and refuses audio', () => {
    const { body } = convert({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'file',
              file: {
                file_data: 'data:application/pdf;base64,JVBERi0x',
                filename: 'Q3 report (final).pdf',
              },
            },
            { type: 'text', text: 'Summarise.' },
          ],
        },
      ],
    });
    expect(body.messages[0]?.content[0]).toEqual({
      document: { format: 'pdf', name: 'Q3 report (final)', source: { bytes: 'JVBERi0x' } },
    });
    const error = errorOf(() =>
      convert({
        messages: [
          {
            role: 'user',
            content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }],
          },
        ],
      }),
    );
    expect(error.param).toBe('messages[0].content[0]');
  });
});
