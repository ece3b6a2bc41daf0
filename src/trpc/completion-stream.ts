import { tracked, type TrackedEnvelope } from '@trpc/server';
import type { ChatChunk } from '../core/chat-chunk.js';
import { GatewayError } from '../core/errors.js';
import type { Principal } from '../core/principal.js';
import type { Tollgate } from '../tollgate.js';
import type { CompletionStreamInput } from './inputs.js';
import { openStreamsOf } from './open-streams.js';
import { startedStreamsOf } from './started-streams.js';
import { known, type Known } from './wire.js';
import { NEVER_CANCELLED } from '../core/cancellation.js';

/** Who asks, as the procedure knows it. */
export interface StreamCaller {
  readonly tollgate: Tollgate;
  readonly credential: string | undefined;
  readonly principal: Principal;
  readonly receivedAt: number;
  /** Aborted when the subscription's HTTP connection closes. */
  readonly signal: AbortSignal | undefined;
  /** The subscription request's `Idempotency-Key`, if it sent one. */
  readonly idempotencyKey: string | undefined;
}

/**
 * `completions.stream`: the same pipeline as the REST shim's streams (admission, budgets, rate
 * limits, routing, one spend row), as tRPC SSE events.
 *
 * A completion runs at most once per subscription, whatever the client's reconnect logic does:
 *
 * - Every chunk is a tracked event with the id `<requestId>:<n>`. tRPC's SSE link remembers the
 *   last id and, like any EventSource (`Last-Event-ID`), sends it back when it reconnects; tRPC
 *   hands it to us as `input.lastEventId`.
 * - A subscription opened with a `lastEventId` never reaches the pipeline: it ends at once with a
 *   final BAD_REQUEST naming the interrupted request. When a connection drops, the server has
 *   already cancelled that request upstream and accounted it (one `cancelled` row), so there is
 *   nothing to resume, and running it again would bill it twice.
 * - Errors are final too: tRPC's link reconnects after a 5xx, which the error formatter
 *   (trpc.ts) prevents for subscriptions by sending their 5xx with a non-retryable code. That
 *   covers a failure before the first chunk, when there is no event id yet to recognise a
 *   reconnect by.
 * - A connection that drops before the first chunk leaves no event id either: the reconnect
 *   would look new. A client that sends an `Idempotency-Key` with its subscription (clients/ts
 *   does, one per subscription, kept across reconnects) is recognised by it instead: a key
 *   already started is refused the same way (started-streams.ts). A plain client without one
 *   is protected from the first event on.
 *
 * Cancellation: the client unsubscribing closes the connection; tRPC aborts `signal` (the
 * request's, which the adapter's upstream call listens to) and returns this generator, whose
 * `for await` calls the ChatStream's `return()`: the upstream request is cancelled and the
 * request settles once, as `cancelled`.
 */
export async function* streamCompletion(
  caller: StreamCaller,
  input: CompletionStreamInput,
): AsyncGenerator<TrackedEnvelope<Known<ChatChunk>>> {
  const { lastEventId, ...request } = input;
  if (lastEventId != null) throw refuseReconnect(lastEventId);
  const { tollgate, principal, idempotencyKey } = caller;
  // Scoped to the caller: one key's idempotency keys say nothing about another's.
  const scoped = `${principal.keyId ?? principal.kind}:${idempotencyKey ?? ''}`;
  if (idempotencyKey !== undefined && !startedStreamsOf(tollgate).claim(scoped)) {
    throw refuseRepeat(idempotencyKey);
  }
  const ctx = tollgate.createContext({
    kind: 'chat',
    credential: caller.credential,
    signal: caller.signal ?? NEVER_CANCELLED,
    receivedAt: caller.receivedAt,
  });
  const includeUsage = request.stream_options?.include_usage === true;
  const end = openStreamsOf(tollgate).begin();
  try {
    const stream = await tollgate.pipeline.stream(ctx, { ...request, stream: true });
    let index = 0;
    for await (const chunk of stream) {
      // As in the REST shim: the final usage chunk (with `usage.cost`) only when asked for.
      if (!includeUsage && chunk.choices.length === 0 && chunk.usage != null) continue;
      yield tracked(`${ctx.requestId}:${index}`, known(chunk));
      index += 1;
    }
  } finally {
    end();
  }
}

function refuseRepeat(idempotencyKey: string): GatewayError {
  return new GatewayError(
    'invalid_request',
    `A completion stream with Idempotency-Key "${idempotencyKey}" was already started. A ` +
      'completion is never run twice for one key (it would be billed twice); that request was ' +
      'accounted. Subscribe again with a new key to ask again.',
    { param: 'Idempotency-Key' },
  );
}

function refuseReconnect(lastEventId: string): GatewayError {
  const requestId = lastEventId.split(':')[0] ?? lastEventId;
  return new GatewayError(
    'invalid_request',
    `The completion stream of request ${requestId} was interrupted after event "${lastEventId}". ` +
      'A completion is never resumed or re-run on reconnect (it would be billed twice); the ' +
      'interrupted request was cancelled upstream and accounted. Subscribe again to ask again.',
    { param: 'lastEventId' },
  );
}
