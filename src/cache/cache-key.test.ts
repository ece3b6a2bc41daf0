import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../core/chat-request.js';
import { cacheKey, scopeTag, semanticPartition } from './cache-key.js';

const request = (body: Record<string, unknown>) => chatRequestSchema.parse(body);
const key = (body: Record<string, unknown>, scope = 'g', group = 'chat') =>
  cacheKey({ request: request(body), group, scope, namespace: undefined });
const messages = [{ role: 'user', content: 'hi' }];

describe('cacheKey', () => {
  it('ignores key order, user, metadata, stream options and the requested alias', () => {
    expect(
      key({ model: 'a', messages, temperature: 0, user: 'x', metadata: { a: 1 }, stream: true }),
    ).toBe(key({ temperature: 0, messages, model: 'b', stream_options: { include_usage: true } }));
  });
  it('changes with what changes the answer', () => {
    const base = key({ model: 'a', messages });
    for (const extra of [
      { temperature: 1 },
      { seed: 1 },
      { n: 2 },
      { stop: 'x' },
      { max_tokens: 5 },
      { tool_choice: 'none' },
      { provider_options: { anthropic: { top_k: 3 } } },
      { logit_bias: { '1': 2 } },
    ]) {
      expect(key({ model: 'a', messages, ...extra })).not.toBe(base);
    }
    expect(key({ model: 'a', messages }, 'g', 'other')).not.toBe(base);
    expect(key({ model: 'a', messages }, 't.1')).not.toBe(base);
  });
  it('partitions semantic lookups by everything but the messages', () => {
    const input = (content: string) => ({
      request: request({ model: 'a', messages: [{ role: 'user', content }] }),
      group: 'chat',
      scope: 'g',
      namespace: undefined,
    });
    expect(semanticPartition(input('one'))).toBe(semanticPartition(input('two')));
    expect(semanticPartition({ ...input('one'), namespace: 'n' })).not.toBe(
      semanticPartition(input('one')),
    );
  });
  it('scopes by team, falling back to the key, or globally', () => {
    expect(scopeTag('team', { kind: 'virtual_key', keyId: 'k1', teamId: 't1' })).toBe('t.t1');
    expect(scopeTag('team', { kind: 'virtual_key', keyId: 'k1' })).toBe('k.k1');
    expect(scopeTag('key', { kind: 'virtual_key', keyId: 'k1', teamId: 't1' })).toBe('k.k1');
    expect(scopeTag('global', { kind: 'virtual_key', keyId: 'k1' })).toBe('g');
  });
});
