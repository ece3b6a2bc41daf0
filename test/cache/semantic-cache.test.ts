import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerAll, pricedConfig } from '../accounting/support.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { deleteKeys, redisAvailable, REDIS_URL, uniqueNamespace } from './support.js';

const available = await redisAvailable();

describe.skipIf(!available)(
  'redis-semantic cache on the mock provider’s hashing embeddings',
  () => {
    const namespace = uniqueNamespace();
    let upstream: FakeUpstream;
    let gateway: TestGateway;

    beforeAll(async () => {
      upstream = await startFakeUpstream();
      const base = pricedConfig(upstream) as { model_list: unknown[] };
      const chatEntry = base.model_list[0] as { litellm_params: Record<string, unknown> };
      gateway = await startTestGateway({
        model_list: [
          ...base.model_list,
          { model_name: 'chat-b', litellm_params: chatEntry.litellm_params },
          { model_name: 'embedder', litellm_params: { model: 'mock/embed' } },
        ],
        litellm_settings: {
          cache: true,
          cache_params: {
            type: 'redis-semantic',
            url: REDIS_URL,
            namespace,
            embedding_model: 'embedder',
            similarity_threshold: 0.8,
          },
        },
      });
    });
    afterAll(async () => {
      await gateway.close();
      await upstream.close();
      await deleteKeys(namespace);
    });
    beforeEach(() => {
      upstream.reset();
      answerAll(upstream);
    });

    async function ask(model: string, content: string, extra: Record<string, unknown> = {}) {
      const { response } = await gateway.openai.chat.completions
        .create({ model, messages: [{ role: 'user', content }], ...extra })
        .withResponse();
      return {
        cache: response.headers.get('x-tollgate-cache'),
        similarity: response.headers.get('x-tollgate-cache-similarity'),
      };
    }

    it('serves a near-identical prompt, and never an unrelated one or another group’s', async () => {
      expect((await ask('chat', 'What is the capital city of France today?')).cache).toBe('miss');
      const paraphrase = await ask('chat', 'what is the capital city of france');
      expect(paraphrase.cache).toBe('semantic-hit');
      expect(Number(paraphrase.similarity)).toBeGreaterThanOrEqual(0.8);
      expect(Number(paraphrase.similarity)).toBeLessThan(1);
      expect((await ask('chat', 'How do I bake sourdough bread at home?')).cache).toBe('miss');
      expect((await ask('chat-b', 'what is the capital city of france')).cache).toBe('miss');
      expect(upstream.requests).toHaveLength(3);
    });

    it('never matches across tool definitions', async () => {
      const tools = [
        { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object' } } },
      ];
      await ask('chat', 'Tell me the weather in Paris please');
      expect((await ask('chat', 'tell me the weather in paris', { tools })).cache).toBe('miss');
      expect((await ask('chat', 'tell me the weather in Paris please!', { tools })).cache).toBe(
        'semantic-hit',
      );
    });
  },
);
