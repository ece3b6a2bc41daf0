import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashEmbedding } from '../../src/adapters/mock/mock-embedding.js';
import { clientFor, completionBody } from '../accounting/support.js';
import {
  reply,
  startFakeUpstream,
  type FakeUpstream,
  type RecordedRequest,
} from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { deleteKeys, redisAvailable, REDIS_URL, uniqueNamespace } from './support.js';

const redisUp = await redisAvailable();
const DIMENSIONS = 256;

/**
 * The fake upstream answers chat with "answer to: <last user message>" (so a test can tell
 * whose answer was served) and embeddings with a deterministic hashing-trick vector: texts that
 * share most words are close, unrelated texts are far apart.
 */
function answerChatAndEmbeddings(upstream: FakeUpstream): void {
  upstream.setDefault((request: RecordedRequest) => {
    const body = request.body as { input?: unknown; messages?: { content?: unknown }[] };
    if (request.path.endsWith('/embeddings')) {
      const inputs = Array.isArray(body.input) ? body.input : [body.input];
      return reply.json({
        object: 'list',
        model: 'text-embedding-3-small',
        data: inputs.map((input, index) => ({
          object: 'embedding',
          index,
          embedding: hashEmbedding(String(input), DIMENSIONS),
        })),
        usage: { prompt_tokens: 8, total_tokens: 8 },
      });
    }
    const completion = completionBody() as { choices: { message: { content: string } }[] };
    const last = body.messages?.at(-1)?.content;
    const choice = completion.choices[0];
    if (choice !== undefined) choice.message.content = `answer to: ${String(last)}`;
    return reply.json(completion);
  });
}

function config(upstream: FakeUpstream, cacheParams: Record<string, unknown>) {
  const upstreamParams = {
    model: 'openai/gpt-4o-mini',
    api_base: `${upstream.url}/v1`,
    api_key: 'sk-upstream-0123456789',
  };
  return {
    model_list: [
      { model_name: 'chat', litellm_params: upstreamParams, model_info: { id: 'chat-1' } },
      { model_name: 'chat-b', litellm_params: upstreamParams, model_info: { id: 'chat-b-1' } },
      {
        model_name: 'embedder',
        litellm_params: { ...upstreamParams, model: 'openai/text-embedding-3-small' },
      },
    ],
    litellm_settings: {
      cache: true,
      cache_params: { embedding_model: 'embedder', similarity_threshold: 0.8, ...cacheParams },
    },
  };
}

interface Backend {
  readonly type: 'sqlite-semantic' | 'redis-semantic';
  readonly available: boolean;
  /** Cache params and gateway options of one "deployment" whose instances share the cache. */
  setup(): { cacheParams: Record<string, unknown>; database?: string; cleanup(): Promise<void> };
}

const BACKENDS: Backend[] = [
  {
    type: 'sqlite-semantic',
    available: true,
    setup() {
      // A database file, so that a restarted gateway opens the same vectors and answers.
      const directory = mkdtempSync(join(tmpdir(), 'tollgate-semantic-'));
      return {
        cacheParams: { type: 'sqlite-semantic' },
        database: join(directory, 'tollgate.db'),
        cleanup: () => Promise.resolve(rmSync(directory, { recursive: true, force: true })),
      };
    },
  },
  {
    type: 'redis-semantic',
    available: redisUp,
    setup() {
      const namespace = uniqueNamespace();
      return {
        cacheParams: { type: 'redis-semantic', url: REDIS_URL, namespace },
        cleanup: () => deleteKeys(namespace),
      };
    },
  },
];

describe.each(BACKENDS)('$type through the gateway and the openai SDK', (backend) => {
  describe.skipIf(!backend.available)('', () => {
    let upstream: FakeUpstream;
    let gateway: TestGateway;
    let shared: ReturnType<Backend['setup']>;

    const start = () =>
      startTestGateway(config(upstream, shared.cacheParams), { database: shared.database });

    beforeAll(async () => {
      upstream = await startFakeUpstream();
      shared = backend.setup();
      gateway = await start();
    });
    afterAll(async () => {
      await gateway.close();
      await upstream.close();
      await shared.cleanup();
    });
    beforeEach(() => {
      upstream.reset();
      answerChatAndEmbeddings(upstream);
    });

    const chatCalls = () =>
      upstream.requests.filter((request) => request.path.endsWith('/chat/completions')).length;

    async function ask(
      content: string,
      options: {
        model?: string;
        client?: OpenAI;
        via?: TestGateway;
        extra?: Record<string, unknown>;
      } = {},
    ) {
      const client = options.client ?? (options.via ?? gateway).openai;
      const { data, response } = await client.chat.completions
        .create({
          model: options.model ?? 'chat',
          messages: [{ role: 'user', content }],
          ...options.extra,
        })
        .withResponse();
      return {
        answer: data.choices[0]?.message.content,
        cache: response.headers.get('x-tollgate-cache'),
        similarity: response.headers.get('x-tollgate-cache-similarity'),
      };
    }

    it('serves a paraphrase above the threshold, never an unrelated prompt or another group', async () => {
      const first = await ask('What is the capital city of France today?');
      expect(first).toMatchObject({ cache: 'miss', similarity: null });
      const paraphrase = await ask('what is the capital city of france');
      expect(paraphrase.cache).toBe('semantic-hit');
      expect(paraphrase.answer).toBe('answer to: What is the capital city of France today?');
      expect(Number(paraphrase.similarity)).toBeGreaterThanOrEqual(0.8);
      expect(Number(paraphrase.similarity)).toBeLessThan(1);
      const unrelated = await ask('How do I bake sourdough bread at home?');
      expect(unrelated).toMatchObject({
        cache: 'miss',
        answer: 'answer to: How do I bake sourdough bread at home?',
      });
      expect((await ask('what is the capital city of france', { model: 'chat-b' })).cache).toBe(
        'miss',
      );
      expect(chatCalls()).toBe(3);
    });

    it('never matches across tool definitions or namespaces', async () => {
      const tools = [
        { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object' } } },
      ];
      await ask('Tell me the weather in Paris please');
      expect((await ask('tell me the weather in paris', { extra: { tools } })).cache).toBe('miss');
      expect((await ask('tell me the weather in Paris please!', { extra: { tools } })).cache).toBe(
        'semantic-hit',
      );
      const namespace = { cache: { namespace: 'eval-7' } };
      expect((await ask('Tell me the weather in Paris please', { extra: namespace })).cache).toBe(
        'miss',
      );
      expect((await ask('tell me the weather in Paris, please', { extra: namespace })).cache).toBe(
        'semantic-hit',
      );
      expect(chatCalls()).toBe(3);
    });

    it('never serves one team’s answer to another (scope: team)', async () => {
      const keys = gateway.tollgate.keys;
      const teamA = keys.createTeam({ name: 'a' });
      const teamB = keys.createTeam({ name: 'b' });
      const a1 = clientFor(gateway, keys.createKey({ teamId: teamA.id }).key);
      const a2 = clientFor(gateway, keys.createKey({ teamId: teamA.id }).key);
      const b1 = clientFor(gateway, keys.createKey({ teamId: teamB.id }).key);
      expect((await ask('Summarise our quarterly revenue report', { client: a1 })).cache).toBe(
        'miss',
      );
      expect((await ask('summarise our quarterly revenue report', { client: a2 })).cache).toBe(
        'semantic-hit',
      );
      expect((await ask('summarise our quarterly revenue report', { client: b1 })).cache).toBe(
        'miss',
      );
    });

    it('is shared with another instance and survives a restart', async () => {
      await ask('Which river flows through the city of Vienna?');
      // A second gateway on the same Redis namespace / database file, then the first restarted.
      const other = await start();
      try {
        const there = await ask('which river flows through the city of vienna', { via: other });
        expect(there).toMatchObject({
          cache: 'semantic-hit',
          answer: 'answer to: Which river flows through the city of Vienna?',
        });
        // And the other way round: an answer stored by the second instance reaches the first.
        await ask('Name the largest desert on the planet Earth', { via: other });
        expect((await ask('name the largest desert on planet earth')).cache).toBe('semantic-hit');
      } finally {
        await other.close();
      }
      await gateway.close();
      gateway = await start();
      expect((await ask('which river flows through vienna city')).cache).toBe('semantic-hit');
      expect(chatCalls()).toBe(2);
    });
  });
});
