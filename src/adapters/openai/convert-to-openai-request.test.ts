import { describe, expect, it } from 'vitest';
import { makeChatRequest } from '../../../test/support/adapter-harness.js';
import {
  convertToOpenAIEmbeddingRequest,
  convertToOpenAIRequest,
  convertToOpenAIStreamRequest,
} from './convert-to-openai-request.js';

const init = { model: 'gpt-4o-mini', providerOptions: undefined };

describe('convertToOpenAIRequest', () => {
  it('replaces the model and drops stream fields for a non-streaming call', () => {
    const request = makeChatRequest({
      stream: true,
      stream_options: { include_usage: true },
      seed: 7,
    });
    expect(convertToOpenAIRequest(request, init)).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello.' }],
      seed: 7,
    });
  });

  it('merges provider options over the request, but never over the model or stream flag', () => {
    const request = makeChatRequest({ temperature: 1 });
    const body = convertToOpenAIRequest(request, {
      model: 'gpt-4o-mini',
      providerOptions: { temperature: 0, model: 'other', stream: true, logit_bias: { '42': 1 } },
    });
    expect(body).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello.' }],
      temperature: 0,
      logit_bias: { '42': 1 },
    });
  });

  it('removes gateway-only assistant fields without copying untouched messages', () => {
    const user = { role: 'user' as const, content: 'Hi' };
    const request = makeChatRequest({
      messages: [
        user,
        {
          role: 'assistant',
          content: 'Hello',
          reasoning_content: 'The user greets me.',
          provider_metadata: { signature: 'abc' },
        },
      ],
    });
    const body = convertToOpenAIRequest(request, init);
    expect(body.messages).toEqual([user, { role: 'assistant', content: 'Hello' }]);
    expect((body.messages as unknown[])[0]).toBe(user);
    const plain = makeChatRequest();
    expect(convertToOpenAIRequest(plain, init).messages).toBe(plain.messages);
  });
});

describe('convertToOpenAIStreamRequest', () => {
  it('forces stream and include_usage, keeping other stream options', () => {
    const request = makeChatRequest({
      stream_options: { include_usage: false, include_obfuscation: false },
    });
    expect(convertToOpenAIStreamRequest(request, init)).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello.' }],
      stream: true,
      stream_options: { include_usage: true, include_obfuscation: false },
    });
  });
});

describe('convertToOpenAIEmbeddingRequest', () => {
  it('always asks for base64', () => {
    expect(
      convertToOpenAIEmbeddingRequest(
        { model: 'embed', input: 'hi', encoding_format: 'float', user: 'u' },
        { model: 'text-embedding-3-small', providerOptions: { dimensions: 256 } },
      ),
    ).toEqual({
      model: 'text-embedding-3-small',
      input: 'hi',
      encoding_format: 'base64',
      user: 'u',
      dimensions: 256,
    });
  });
});
