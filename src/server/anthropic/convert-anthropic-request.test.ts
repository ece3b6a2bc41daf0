import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/errors.js';
import { convertAnthropicRequest } from './convert-anthropic-request.js';
import { parseAnthropicRequest } from './parse-anthropic-request.js';

function convert(body: Record<string, unknown>) {
  const { request, raw } = parseAnthropicRequest(body);
  return convertAnthropicRequest(request, { raw });
}

const PNG = 'iVBORw0KGgo=';

describe('convertAnthropicRequest', () => {
  it('maps the simple fields', () => {
    const { request, unsupported, cacheControl } = convert({
      model: 'chat',
      max_tokens: 256,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Hi' }],
      stop_sequences: ['###'],
      temperature: 0.3,
      top_p: 0.9,
      metadata: { user_id: 'user-42' },
      stream: true,
    });
    expect(request).toEqual({
      model: 'chat',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_completion_tokens: 256,
      stream: true,
      temperature: 0.3,
      top_p: 0.9,
      stop: ['###'],
      user: 'user-42',
      provider_options: {
        anthropic: {
          max_tokens: 256,
          system: 'Be brief.',
          messages: [{ role: 'user', content: 'Hi' }],
          stop_sequences: ['###'],
          temperature: 0.3,
          top_p: 0.9,
          metadata: { user_id: 'user-42' },
        },
      },
    });
    expect(unsupported).toEqual([]);
    expect(cacheControl).toBe(false);
  });

  it('converts a tool-use conversation with thinking, images and documents', () => {
    const { request, unsupported, cacheControl } = convert({
      model: 'chat',
      max_tokens: 2048,
      system: [
        { type: 'text', text: 'You are a weather bot.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'Use the tools.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Weather in Paris and Rome? See the map.' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/map.jpg' } },
            {
              type: 'document',
              title: 'report.pdf',
              source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Two cities: call twice.', signature: 'sig-1' },
            { type: 'redacted_thinking', data: 'opaque' },
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny, 24°C' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_2',
              content: [
                { type: 'text', text: 'Cloudy, 19°C' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              ],
            },
            { type: 'text', text: 'Summarise.' },
          ],
        },
      ],
      tools: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
          cache_control: { type: 'ephemeral' },
        },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      thinking: { type: 'enabled', budget_tokens: 1024 },
    });
    const { provider_options: providerOptions, ...canonical } = request;
    expect(canonical).toMatchInlineSnapshot(`
      {
        "max_completion_tokens": 2048,
        "messages": [
          {
            "content": [
              {
                "text": "You are a weather bot.",
                "type": "text",
              },
              {
                "text": "Use the tools.",
                "type": "text",
              },
            ],
            "role": "system",
          },
          {
            "content": [
              {
                "text": "Weather in Paris and Rome? See the map.",
                "type": "text",
              },
              {
                "image_url": {
                  "url": "data:image/png;base64,iVBORw0KGgo=",
                },
                "type": "image_url",
              },
              {
                "image_url": {
                  "url": "https://example.com/map.jpg",
                },
                "type": "image_url",
              },
              {
                "file": {
                  "file_data": "data:application/pdf;base64,JVBERi0=",
                  "filename": "report.pdf",
                },
                "type": "file",
              },
            ],
            "role": "user",
          },
          {
            "content": "Checking both.",
            "provider_metadata": {
              "anthropic": {
                "signature": "sig-1",
                "thinking_blocks": [
                  {
                    "signature": "sig-1",
                    "thinking": "Two cities: call twice.",
                    "type": "thinking",
                  },
                  {
                    "data": "opaque",
                    "type": "redacted_thinking",
                  },
                ],
              },
            },
            "reasoning_content": "Two cities: call twice.",
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"city":"Paris"}",
                  "name": "get_weather",
                },
                "id": "toolu_1",
                "type": "function",
              },
              {
                "function": {
                  "arguments": "{"city":"Rome"}",
                  "name": "get_weather",
                },
                "id": "toolu_2",
                "type": "function",
              },
            ],
          },
          {
            "content": "Sunny, 24°C",
            "role": "tool",
            "tool_call_id": "toolu_1",
          },
          {
            "content": "Cloudy, 19°C",
            "role": "tool",
            "tool_call_id": "toolu_2",
          },
          {
            "content": [
              {
                "image_url": {
                  "url": "data:image/png;base64,iVBORw0KGgo=",
                },
                "type": "image_url",
              },
              {
                "text": "Summarise.",
                "type": "text",
              },
            ],
            "role": "user",
          },
        ],
        "model": "chat",
        "parallel_tool_calls": false,
        "reasoning_effort": "low",
        "tool_choice": "required",
        "tools": [
          {
            "function": {
              "description": "Weather for a city",
              "name": "get_weather",
              "parameters": {
                "properties": {
                  "city": {
                    "type": "string",
                  },
                },
                "type": "object",
              },
            },
            "type": "function",
          },
        ],
      }
    `);
    // The anthropic passthrough keeps the exact thinking budget and the cache breakpoints.
    expect(providerOptions?.anthropic).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [{ cache_control: { type: 'ephemeral' } }],
    });
    expect(unsupported).toEqual([]);
    expect(cacheControl).toBe(true);
  });

  it('maps tool_choice variants and leaves tool_choice out without tools', () => {
    const tools = [{ name: 'f', input_schema: { type: 'object' } }];
    const choice = (toolChoice: Record<string, unknown>) =>
      convert({
        model: 'm',
        max_tokens: 1,
        messages: [{ role: 'user', content: 'x' }],
        tools,
        tool_choice: toolChoice,
      }).request;
    expect(choice({ type: 'auto' }).tool_choice).toBe('auto');
    expect(choice({ type: 'none' }).tool_choice).toBe('none');
    expect(choice({ type: 'tool', name: 'f' })).toMatchObject({
      tool_choice: { type: 'function', function: { name: 'f' } },
    });
    expect(choice({ type: 'auto' }).parallel_tool_calls).toBeUndefined();
    const { request } = convert({
      model: 'm',
      max_tokens: 1,
      messages: [{ role: 'user', content: 'x' }],
      tool_choice: { type: 'any' },
    });
    expect(request.tool_choice).toBeUndefined();
    expect(request.tools).toBeUndefined();
  });

  it('maps structured output and effort', () => {
    const { request } = convert({
      model: 'm',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
      thinking: { type: 'enabled', budget_tokens: 20_000 },
      output_config: {
        effort: 'max',
        format: { type: 'json_schema', schema: { type: 'object', additionalProperties: false } },
      },
    });
    expect(request.reasoning_effort).toBe('xhigh');
    expect(request.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'output',
        schema: { type: 'object', additionalProperties: false },
        strict: true,
      },
    });
  });

  it('notes what only an anthropic deployment can honour', () => {
    const { request, unsupported, cacheControl } = convert({
      model: 'm',
      max_tokens: 100,
      top_k: 10,
      service_tier: 'auto',
      cache_control: { type: 'ephemeral' },
      thinking: { type: 'between_tools' },
      output_config: { effort: 'low' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'file', file_id: 'file_1' } },
            { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
            { type: 'search_result', source: 'x', title: 't', content: [] },
            { type: 'text', text: 'What do these say?' },
          ],
        },
      ],
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    });
    expect(unsupported).toEqual([
      { param: 'messages[0].content[0]', reason: 'an image from a file uploaded to Anthropic' },
      { param: 'messages[0].content[1]', reason: 'a document fetched from a URL' },
      { param: 'messages[0].content[2]', reason: 'a content block of type "search_result"' },
      { param: 'tools[0]', reason: 'a tool of type "web_search_20250305"' },
      { param: 'top_k', reason: 'top-k sampling' },
      { param: 'output_config.effort', reason: 'effort without thinking' },
      { param: 'thinking.type', reason: 'thinking of type "between_tools"' },
      { param: 'service_tier', reason: 'an Anthropic-only field' },
    ]);
    expect(cacheControl).toBe(true);
    expect(request.messages).toEqual([{ role: 'user', content: 'What do these say?' }]);
    expect(request.provider_options?.anthropic).toMatchObject({
      top_k: 10,
      service_tier: 'auto',
      cache_control: { type: 'ephemeral' },
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    });
  });

  it('keeps gateway fields out of the passthrough and lets the client override it', () => {
    const { request } = convert({
      model: 'm',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
      mock_response: 'fixed',
      fallbacks: ['other'],
      cache: { 'no-cache': true },
      provider_options: { anthropic: { top_k: 3, max_tokens: 50 }, gemini: { a: 1 } },
    });
    expect(request).toMatchObject({
      mock_response: 'fixed',
      fallbacks: ['other'],
      cache: { 'no-cache': true },
    });
    expect(request.provider_options).toEqual({
      anthropic: { max_tokens: 50, messages: [{ role: 'user', content: 'x' }], top_k: 3 },
      gemini: { a: 1 },
    });
  });

  it('refuses a block in the wrong role', () => {
    expect(() =>
      convert({
        model: 'm',
        max_tokens: 1,
        messages: [
          { role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'f', input: {} }] },
        ],
      }),
    ).toThrow(GatewayError);
  });
});
