import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../core/errors.js';
import type { Tollgate } from '../tollgate.js';
import type { Exchange } from './exchange.js';
import type { BodyLimits } from './request-body.js';
import { handleAnthropicCountTokens } from './anthropic/count-tokens-route.js';
import { handleAnthropicMessages } from './anthropic/messages-route.js';
import { GRAPHQL_PATH, GraphqlMount } from './graphql-mount.js';
import { sendError } from './respond.js';
import { createTrpcMount, type TrpcMount } from '../trpc/http-handler.js';
import { handleChatCompletions } from './routes/chat-completions.js';
import { handleEmbeddings } from './routes/embeddings.js';
import { handleHealth, handleReadiness } from './routes/health.js';
import { handleGetModel, handleListModels } from './routes/models.js';

export interface ServerOptions {
  /** Largest request body in bytes; default 20 MB. */
  readonly maxBodyBytes?: number | undefined;
  /** Longest time a client may take to send its body; default 30 s. */
  readonly bodyTimeoutMs?: number | undefined;
  /** How long SIGTERM waits for in-flight requests and streams; default 30 s. */
  readonly shutdownTimeoutMs?: number | undefined;
}

export const DEFAULT_MAX_BODY_BYTES = 20 * 1024 * 1024;

type Route = (exchange: Exchange) => void | Promise<void>;

/** Exact routes: `METHOD path`. Model lookups with an id are matched by prefix below. */
const ROUTES = new Map<string, Route>([
  ['POST /v1/chat/completions', handleChatCompletions],
  ['POST /chat/completions', handleChatCompletions],
  ['POST /v1/embeddings', handleEmbeddings],
  ['POST /embeddings', handleEmbeddings],
  ['POST /v1/messages', handleAnthropicMessages],
  ['POST /v1/messages/count_tokens', handleAnthropicCountTokens],
  ['GET /v1/models', handleListModels],
  ['GET /models', handleListModels],
  ['GET /health', handleHealth],
  ['GET /health/liveness', handleHealth],
  ['GET /health/readiness', handleReadiness],
]);

const KNOWN_PATHS = new Set([...ROUTES.keys()].map((key) => key.slice(key.indexOf(' ') + 1)));
const MODEL_PREFIXES = ['/v1/models/', '/models/'];

/**
 * The HTTP shell around a Tollgate instance: the OpenAI REST shim and health endpoints on one
 * node:http server (GraphQL and tRPC mount here later). Tracks in-flight requests so that a
 * graceful shutdown can let them finish.
 */
export class GatewayServer {
  readonly server: Server;
  private readonly tollgate: Tollgate;
  private readonly limits: BodyLimits;
  private readonly shutdownTimeoutMs: number;
  /** GraphQL over HTTP and graphql-ws (its WebSocket upgrade) on /graphql. */
  private readonly graphql: GraphqlMount;
  /** tRPC on /trpc (queries and mutations over HTTP, subscriptions over SSE). */
  private readonly trpc: TrpcMount;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private shuttingDown = false;

  constructor(tollgate: Tollgate, options: ServerOptions = {}) {
    this.tollgate = tollgate;
    this.limits = {
      maxBytes:
        options.maxBodyBytes ??
        tollgate.config.generalSettings.maxRequestBodyBytes ??
        DEFAULT_MAX_BODY_BYTES,
      timeoutMs: options.bodyTimeoutMs ?? 30_000,
    };
    this.shutdownTimeoutMs = options.shutdownTimeoutMs ?? 30_000;
    this.server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
      this.handle(req, res);
    });
    // Headers must arrive promptly; bodies are bounded by our own timer (answered with 408).
    this.server.headersTimeout = 30_000;
    this.trpc = createTrpcMount(tollgate, this.limits);
    this.graphql = new GraphqlMount(tollgate, { limits: this.limits });
    this.server.on('upgrade', (req, socket, head) => this.graphql.upgrade(req, socket, head));
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /**
   * Graceful shutdown (SPEC §1): stop accepting, let in-flight requests and streams finish
   * (bounded by the shutdown timeout), then close the gateway (pools, database).
   */
  async shutdown(): Promise<void> {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeIdleConnections();
      const timer = setTimeout(() => this.server.closeAllConnections(), this.shutdownTimeoutMs);
      // Upgraded sockets are not the server's connections: server.close() waits on them.
      const graphqlClosed = this.graphql.shutdown(this.shutdownTimeoutMs);
      await this.whenIdle();
      await graphqlClosed;
      this.server.closeAllConnections();
      clearTimeout(timer);
      await closed;
      // Streams cut above settle (and queue their spend rows) just after their connections close.
      await this.trpc.drain();
    }
    await this.tollgate.close();
  }

  private whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.shutdownTimeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = performance.now();
    this.inFlight += 1;
    res.once('close', () => {
      this.inFlight -= 1;
      if (this.shuttingDown) this.server.closeIdleConnections();
      if (this.inFlight === 0 && this.idleWaiters.length > 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const wake of waiters) wake();
      }
    });
    if (this.shuttingDown) {
      res.setHeader('connection', 'close');
      sendError(res, new GatewayError('shutting_down', 'The gateway is shutting down'));
      req.resume();
      return;
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const exchange: Exchange = {
      req,
      res,
      tollgate: this.tollgate,
      limits: this.limits,
      receivedAt,
      path,
    };
    const route = ROUTES.get(`${req.method ?? 'GET'} ${path}`);
    if (route !== undefined) {
      this.run(route, exchange);
      return;
    }
    // After the REST table: REST requests never reach Yoga.
    if (path === GRAPHQL_PATH) {
      this.run((ex) => this.graphql.handle(ex), exchange);
      return;
    }
    if (this.trpc.matches(path)) {
      this.trpc.handle(req, res, receivedAt);
      return;
    }
    const modelPrefix = MODEL_PREFIXES.find(
      (prefix) => path.startsWith(prefix) && path.length > prefix.length,
    );
    if (modelPrefix !== undefined && req.method === 'GET') {
      this.run((ex) => handleGetModel(ex, path.slice(modelPrefix.length)), exchange);
      return;
    }
    req.resume();
    if (KNOWN_PATHS.has(path) || modelPrefix !== undefined) {
      sendError(
        res,
        new GatewayError(
          'method_not_allowed',
          `Method ${req.method ?? ''} is not allowed on ${path}`,
        ),
      );
    } else {
      sendError(res, new GatewayError('route_not_found', `Unknown path ${path}`));
    }
  }

  private run(route: Route, exchange: Exchange): void {
    try {
      const pending = route(exchange);
      if (pending instanceof Promise)
        pending.catch((error: unknown) => this.crashed(exchange, error));
    } catch (error) {
      this.crashed(exchange, error);
    }
  }

  /** Routes answer their own errors; reaching this is a bug, answered as a masked 500. */
  private crashed(exchange: Exchange, error: unknown): void {
    this.tollgate.logger.error('unhandled route error', {
      path: exchange.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    if (!exchange.res.headersSent) sendError(exchange.res, error);
    else exchange.res.destroy();
  }
}
