import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import type { TRPCClientError } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { EventSource, type FetchLike } from 'eventsource';
import type { SpendLogRow } from '../../src/db/schema/spend-logs.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import type { AppRouter } from '../../src/trpc/routers/_app.js';
import type { TestGateway } from '../support/test-gateway.js';

export type TrpcTestClient = TRPCClient<AppRouter>;

/**
 * A plain @trpc/client for AppRouter, as a user without clients/ts would write it: batched HTTP
 * for queries and mutations, SSE (the `eventsource` package, key in a header) for subscriptions.
 * `fetch` lets a test reach the gateway through something else (a proxy it can cut);
 * `idempotencyKey` is sent with subscriptions, as clients/ts does.
 */
export function trpcClient(
  baseUrl: string,
  apiKey: string | undefined,
  options: { fetch?: typeof fetch; idempotencyKey?: string } = {},
): TrpcTestClient {
  const url = `${baseUrl}/trpc`;
  const fetchImpl = options.fetch ?? fetch;
  const authorization: Record<string, string> =
    apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
  const streamHeaders: Record<string, string> =
    options.idempotencyKey === undefined
      ? authorization
      : { ...authorization, 'idempotency-key': options.idempotencyKey };
  const eventSourceFetch: FetchLike = (input, init) =>
    fetchImpl(input, { ...init, headers: { ...init.headers, ...streamHeaders } });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: { fetch: eventSourceFetch },
        }),
        false: httpBatchLink({ url, headers: authorization, fetch: fetchImpl }),
      }),
    ],
  });
}

export function gatewayClient(gateway: TestGateway, apiKey: string | undefined): TrpcTestClient {
  return trpcClient(gateway.url, apiKey);
}

/** The spend rows of a key (or of the master key: `null`), waiting for `count` to be written. */
export async function spendRows(
  gateway: TestGateway,
  filter: { keyId?: string; count: number },
): Promise<SpendLogRow[]> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    await gateway.tollgate.flushSpend();
    const rows = requestLogs(gateway.tollgate.database.db, {
      principal: { kind: 'master' },
      filter: { keyId: filter.keyId },
      first: 100,
    }).rows;
    if (rows.length >= filter.count) return rows;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`expected ${filter.count} spend rows`);
}

type StreamInput = inferRouterInputs<AppRouter>['completions']['stream'];
type StreamOutput = inferRouterOutputs<AppRouter>['completions']['stream'];

/** One `completions.stream` event as the client receives it: `{ id, data: ChatCompletionChunk }`. */
export type StreamEvent = StreamOutput extends AsyncIterable<infer Event> ? Event : never;

export interface StreamOutcome {
  readonly events: StreamEvent[];
  /** Set when the subscription ended with an error (onError), unset when it completed. */
  readonly error: TRPCClientError<AppRouter> | undefined;
  /** `performance.now()` of each event's arrival. */
  readonly arrivals: number[];
}

/**
 * Subscribes to `completions.stream` and resolves when the subscription ends. `onEvent` may stop
 * it (`unsubscribe`); an unsubscribed stream resolves at once with what it had.
 */
export function collectStream(
  client: TrpcTestClient,
  input: StreamInput,
  onEvent?: (event: StreamEvent, control: { unsubscribe(): void; index: number }) => void,
): Promise<StreamOutcome> {
  const events: StreamEvent[] = [];
  const arrivals: number[] = [];
  return new Promise((resolve) => {
    const subscription = client.completions.stream.subscribe(input, {
      onData(event) {
        events.push(event);
        arrivals.push(performance.now());
        onEvent?.(event, {
          index: events.length - 1,
          unsubscribe() {
            subscription.unsubscribe();
            resolve({ events, arrivals, error: undefined });
          },
        });
      },
      onError(error) {
        resolve({ events, arrivals, error });
      },
      onComplete() {
        resolve({ events, arrivals, error: undefined });
      },
    });
  });
}

/** Every event's content, concatenated. */
export function contentOf(events: readonly StreamEvent[]): string {
  return events
    .map((event) => event.data.choices.map((choice) => choice.delta.content ?? '').join(''))
    .join('');
}
