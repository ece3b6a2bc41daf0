import { describe, expect, it } from 'vitest';
import { createTollgate, GatewayError } from '../../src/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { MOCK_CONFIG } from '../support/test-gateway.js';

/** The same core in-process, no server: LiteLLM `completion()` style. */
describe('library mode', () => {
  it('chats, streams and embeds with the same config object the server takes', async () => {
    const tollgate = createTollgate({ config: MOCK_CONFIG, env: {}, logger: silentLogger });
    try {
      const answer = await tollgate.chat({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'in process' }],
      });
      expect(answer.choices[0]?.message.content).toBe('in process');

      let text = '';
      let usage: number | undefined;
      for await (const chunk of tollgate.stream({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'a b c d e' }],
      })) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = chunk.usage.completion_tokens;
      }
      expect(text).toBe('a b c d e');
      expect(usage).toBe(5);

      const vectors = await tollgate.embed({ model: 'mock/e', input: 'hello' });
      expect(vectors.data[0]?.embedding).toHaveLength(256);
    } finally {
      await tollgate.close();
    }
  });

  it('throws GatewayError with code, status and layer', async () => {
    const tollgate = createTollgate({ config: MOCK_CONFIG, env: {}, logger: silentLogger });
    try {
      const failure = await tollgate
        .chat({ model: 'unknown', messages: [{ role: 'user', content: 'x' }] })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(GatewayError);
      expect(failure).toMatchObject({ code: 'model_not_found', status: 404, layer: 'client' });
      const invalid = await tollgate
        .chat({ model: 'mock/echo', messages: [] })
        .catch((e: unknown) => e);
      expect(invalid).toMatchObject({ code: 'invalid_request', status: 400, param: 'messages' });
    } finally {
      await tollgate.close();
    }
  });

  it('breaking out of a stream early cancels it cleanly', async () => {
    const tollgate = createTollgate({ config: MOCK_CONFIG, env: {}, logger: silentLogger });
    const statuses: string[] = [];
    tollgate.pipeline.use('settleCost', (ctx) => {
      statuses.push(ctx.status);
    });
    try {
      for await (const chunk of tollgate.stream({
        model: 'slow',
        messages: [{ role: 'user', content: 'a b c d e f g h' }],
      })) {
        if (chunk.choices[0]?.delta.content) break;
      }
      expect(statuses).toEqual(['cancelled']);
    } finally {
      await tollgate.close();
    }
  });
});
