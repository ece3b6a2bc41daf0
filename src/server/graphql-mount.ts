import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { GatewayError, toGatewayError } from '../core/errors.js';
import { ActiveSubscriptions } from '../schema/active-subscriptions.js';
import { authenticateGraphql, type GraphqlAuth } from '../schema/auth.js';
import { graphqlErrorBody } from '../schema/errors.js';
import { createGraphqlWsServer, type GraphqlWsServer } from '../schema/graphql-ws.js';
import { createGraphqlYoga, GRAPHQL_PATH, type GraphqlYoga } from '../schema/yoga.js';
import type { Tollgate } from '../tollgate.js';
import { abortOnClose, credentialOf, type Exchange } from './exchange.js';
import { readJsonBody, type BodyLimits } from './request-body.js';
import { errorHeaders } from './respond.js';

export { GRAPHQL_PATH };

/** Hop-by-hop and framing headers: the body Yoga sees is re-serialised, never the raw stream. */
const DROPPED_HEADERS = new Set([
  'connection',
  'content-length',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
]);

/** How long cancelled streams get to settle (write their spend row) after sockets close. */
const SETTLE_AFTER_CLOSE_MS = 2_000;

function fetchHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || DROPPED_HEADERS.has(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function sendGraphqlError(res: ServerResponse, error: GatewayError): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(graphqlErrorBody(error));
  res.writeHead(error.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    ...errorHeaders(error),
  });
  res.end(payload);
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** Writes Yoga's Fetch response to node:http, streaming (SSE subscriptions) with backpressure. */
async function writeFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  // The client went away: cancelling the body ends Yoga's subscription (and its stream).
  const cancel = (): void => {
    reader.cancel().catch(() => undefined);
  };
  res.once('close', cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await drainedOrClosed(res);
    }
  } finally {
    res.off('close', cancel);
  }
  res.end();
}

/**
 * GraphQL on the gateway's node:http server: `GET`/`POST /graphql` through Yoga, and the
 * WebSocket upgrade on the same path for graphql-ws. Like the REST routes, a POST is
 * authenticated before its body is read, and the body is read within the same limits.
 */
export class GraphqlMount {
  private readonly tollgate: Tollgate;
  private readonly limits: BodyLimits;
  private readonly subscriptions = new ActiveSubscriptions();
  private readonly yoga: GraphqlYoga;
  private readonly ws: GraphqlWsServer;
  private closing = false;

  constructor(tollgate: Tollgate, options: { limits: BodyLimits }) {
    this.tollgate = tollgate;
    this.limits = options.limits;
    this.yoga = createGraphqlYoga({
      tollgate,
      subscriptions: this.subscriptions,
      // GraphiQL is a development tool: set NODE_ENV=production to stop serving it.
      graphiql: process.env.NODE_ENV !== 'production',
    });
    this.ws = createGraphqlWsServer(this.yoga, {
      tollgate,
      maxPayloadBytes: options.limits.maxBytes,
    });
  }

  async handle(exchange: Exchange): Promise<void> {
    const { req, res } = exchange;
    if (req.method !== 'GET' && req.method !== 'POST') {
      req.resume();
      sendGraphqlError(
        res,
        new GatewayError(
          'method_not_allowed',
          `Method ${req.method ?? ''} is not allowed on ${GRAPHQL_PATH}`,
        ),
      );
      return;
    }
    const controller = abortOnClose(res);
    let auth: GraphqlAuth | undefined;
    let body: string | undefined;
    try {
      // A GET without a key may be a browser asking for GraphiQL: Yoga decides (and refuses
      // an anonymous query with the same 401).
      const credential = credentialOf(req);
      if (credential !== undefined || req.method === 'POST') {
        auth = await authenticateGraphql(this.tollgate, credential);
      }
      if (req.method === 'POST') body = JSON.stringify(await readJsonBody(req, this.limits));
    } catch (error) {
      req.resume();
      sendGraphqlError(res, toGatewayError(error));
      return;
    }
    const response = await this.yoga.fetch(
      `http://localhost${req.url ?? GRAPHQL_PATH}`,
      { method: req.method, headers: fetchHeaders(req), body, signal: controller.signal },
      { auth },
    );
    await writeFetchResponse(res, response);
  }

  /** The HTTP server's `upgrade` event: graphql-ws on the GraphQL path, nothing elsewhere. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path !== GRAPHQL_PATH || this.closing) {
      const status = this.closing ? '503 Service Unavailable' : '404 Not Found';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
      return;
    }
    this.ws.handleUpgrade(req, socket, head);
  }

  /**
   * Shutdown: alert feeds end and new subscriptions are refused at once; chat streams in flight
   * get until `timeoutMs` to finish, then their sockets close, which cancels them (each still
   * writes its spend row before the gateway closes the database).
   */
  async shutdown(timeoutMs: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.subscriptions.close();
    await this.subscriptions.whenIdle(timeoutMs);
    await this.ws.close(SETTLE_AFTER_CLOSE_MS);
    await this.subscriptions.whenIdle(SETTLE_AFTER_CLOSE_MS);
    // The log stage runs one macrotask after a stream settles: let it queue the spend rows
    // before the gateway closes the spend writer.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
