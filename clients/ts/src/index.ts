import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import type { AppRouter } from '#app-router';

export type { AppRouter };
export { isTRPCClientError, TRPCClientError } from '@trpc/client';
export type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

export interface TollgateClientOptions {
  /** The gateway, e.g. `http://127.0.0.1:4000`; `/trpc` is appended unless the URL ends with it. */
  readonly url: string;
  /** A gateway key (the master key or a virtual key), sent in a header, never in a URL. */
  readonly apiKey: string;
  /** The fetch to use for every call, streams included; the global fetch by default. */
  readonly fetch?: typeof fetch;
}

/** The gateway's tRPC API, typed from the server's router. */
export type TollgateClient = TRPCClient<AppRouter>;

/**
 * A client for the gateway's tRPC API: queries and mutations are batched over HTTP; subscriptions
 * (`completions.stream`) use server-sent events through the `eventsource` package, which works in
 * Node (no global EventSource there) and, unlike a browser's, can send the key as a header.
 */
export function createTollgateClient(options: TollgateClientOptions): TollgateClient {
  const base = options.url.replace(/\/+$/, '');
  const url = base.endsWith('/trpc') ? base : `${base}/trpc`;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = { authorization: `Bearer ${options.apiKey}` };
  // One Idempotency-Key per subscription, the same on every reconnect of its EventSource: the
  // gateway never starts a completion twice for one key, even when the connection dropped
  // before the first event (when there is no Last-Event-ID yet to tell a reconnect by).
  const clientId = globalThis.crypto.randomUUID();
  const eventSourceFetchFor =
    (idempotencyKey: string): FetchLike =>
    (input, init) => {
      const headers = { ...init.headers, ...authorization, 'idempotency-key': idempotencyKey };
      // tRPC's SSE link puts the subscription's input in the URL, where a long conversation
      // would not fit (servers cap the request line); the gateway also takes it as a POST body.
      const target = new URL(input);
      const body = target.searchParams.get('input');
      if (body === null) return fetchImpl(target, { ...init, headers });
      target.searchParams.delete('input');
      return fetchImpl(target, {
        ...init,
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      });
    };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: ({ op }) => ({ fetch: eventSourceFetchFor(`${clientId}:${op.id}`) }),
        }),
        false: httpBatchLink({ url, headers: authorization, fetch: fetchImpl }),
      }),
    ],
  });
}
