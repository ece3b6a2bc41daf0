import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpendLogRow } from '../../src/db/schema/spend-logs.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import {
  collect,
  CHAT_SUBSCRIPTION,
  textOf,
  wsClient,
  type ChatChunkData,
} from '../graphql/support.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { trpcClient } from '../trpc/support.js';

const CONFIG = {
  model_list: [
    {
      model_name: 'chat',
      litellm_params: {
        model: 'mock/echo',
        input_cost_per_token: 0.000001,
        output_cost_per_token: 0.000002,
      },
    },
  ],
};
const PROMPT = 'the same question through three transports';

/** The fields of a spend row that do not depend on which request it was. */
function shapeOf(row: SpendLogRow): Record<string, unknown> {
  return {
    keyId: row.keyId,
    requestedModel: row.requestedModel,
    servedModel: row.servedModel,
    provider: row.provider,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    costNanos: row.costNanos,
    status: row.status,
    attempts: row.attempts.map((attempt) => ({ ...attempt, latencyMs: 0 })),
  };
}

/** One core, three transports: the REST shim, GraphQL (graphql-ws) and tRPC. */
describe('the same request through REST, GraphQL and tRPC', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(CONFIG);
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('gives the same canonical answer and the same spend row shape', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({ name: 'three' });
    const messages = [{ role: 'user' as const, content: PROMPT }];

    const rest = await clientOf(gateway, key).chat.completions.create({ model: 'chat', messages });

    const client = wsClient(gateway, { authorization: `Bearer ${key}` });
    const results = await collect<ChatChunkData>(client, {
      query: CHAT_SUBSCRIPTION,
      // GraphQL enums are upper case: the same message, in GraphQL's spelling.
      variables: { input: { model: 'chat', messages: [{ role: 'USER', content: PROMPT }] } },
    });
    await client.dispose();
    expect(results.every((result) => result.errors === undefined)).toBe(true);
    const graphqlUsage = results
      .map((result) => result.data?.chatCompletion.usage)
      .find((usage) => usage != null);

    const trpc = await trpcClient(gateway.url, key).completions.create.mutate({
      model: 'chat',
      messages,
    });

    expect(rest.choices[0]?.message.content).toBe(PROMPT);
    expect(textOf(results)).toBe(PROMPT);
    expect(trpc.choices[0]?.message.content).toBe(PROMPT);
    expect(trpc.usage).toEqual(rest.usage);
    expect(graphqlUsage).toMatchObject({
      promptTokens: rest.usage?.prompt_tokens,
      completionTokens: rest.usage?.completion_tokens,
    });

    await gateway.tollgate.flushSpend();
    const rows = requestLogs(gateway.tollgate.database.db, {
      principal: { kind: 'master' },
      filter: { keyId: apiKey.id },
      first: 10,
    }).rows;
    expect(rows).toHaveLength(3);
    const [first, ...others] = rows.map(shapeOf);
    for (const other of others) expect(other).toEqual(first);
    expect(rows.map((row) => row.streamed).sort()).toEqual([false, false, true]);
  });
});

function clientOf(gateway: TestGateway, key: string): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
}
