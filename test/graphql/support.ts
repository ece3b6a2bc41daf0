import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { SpendLogRow } from '../../src/db/schema/spend-logs.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import { TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

/** A GraphQL answer as a client reads it. */
export interface GraphqlAnswer<Data = Record<string, unknown>> {
  readonly status: number;
  readonly data: Data | null | undefined;
  readonly errors: ReadonlyArray<{
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }>;
}

/** A GraphQL request over real HTTP with plain fetch, as any GraphQL client sends it. */
export async function gql<Data = Record<string, unknown>>(
  gateway: TestGateway,
  query: string,
  options: { key?: string | null; variables?: Record<string, unknown> } = {},
): Promise<GraphqlAnswer<Data>> {
  const key = options.key === undefined ? TEST_MASTER_KEY : options.key;
  const response = await fetch(`${gateway.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  const body = (await response.json()) as { data?: Data | null; errors?: GraphqlAnswer['errors'] };
  return { status: response.status, data: body.data, errors: body.errors ?? [] };
}

/** Data of a successful answer; fails the test with the errors otherwise. */
export async function gqlData<Data = Record<string, unknown>>(
  gateway: TestGateway,
  query: string,
  options: { key?: string | null; variables?: Record<string, unknown> } = {},
): Promise<Data> {
  const answer = await gql<Data>(gateway, query, options);
  if (answer.errors.length > 0 || answer.data == null) {
    throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  }
  return answer.data;
}

/** The official graphql-ws client over the `ws` package, authenticated in connectionParams. */
export function wsClient(
  gateway: TestGateway,
  connectionParams: Record<string, unknown> = { authorization: `Bearer ${TEST_MASTER_KEY}` },
): Client {
  return createClient({
    url: `${gateway.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

export type Result<Data> = FormattedExecutionResult<Data, unknown>;

/** Every result of one subscription, until it completes or errors. */
export async function collect<Data>(
  client: Client,
  payload: { query: string; variables?: Record<string, unknown> },
): Promise<Array<Result<Data>>> {
  const results: Array<Result<Data>> = [];
  for await (const result of client.iterate<Data>(payload)) results.push(result);
  return results;
}

/** Spend rows of a key, once at least `count` are written (rows are written after responses). */
export async function rowsOf(
  gateway: TestGateway,
  keyId: string,
  count: number,
): Promise<SpendLogRow[]> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await gateway.tollgate.flushSpend();
    const rows = requestLogs(gateway.tollgate.database.db, {
      principal: { kind: 'master' },
      filter: { keyId },
      first: 100,
    }).rows;
    if (rows.length >= count) return rows;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`spend rows of ${keyId} did not appear`);
}

export const CHAT_SUBSCRIPTION = /* GraphQL */ `
  subscription Chat($input: ChatCompletionInput!) {
    chatCompletion(input: $input) {
      id
      model
      choices {
        index
        delta {
          role
          content
        }
        finishReason
      }
      usage {
        promptTokens
        completionTokens
        totalTokens
        cost
      }
    }
  }
`;

export interface ChatChunkData {
  chatCompletion: {
    id: string;
    model: string;
    choices: Array<{
      index: number;
      delta: { role: string | null; content: string | null };
      finishReason: string | null;
    }>;
    usage: {
      promptTokens: number;
      completionTokens: number;
      totalTokens: number;
      cost: number | null;
    } | null;
  };
}

/** The text a list of chunk results spells out. */
export function textOf(results: ReadonlyArray<Result<ChatChunkData>>): string {
  return results
    .flatMap((result) => result.data?.chatCompletion.choices ?? [])
    .map((choice) => choice.delta.content ?? '')
    .join('');
}
