import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { DocumentNode, ExecutionArgs, GraphQLError, GraphQLSchema } from 'graphql';
import { CloseCode, type OperationResult } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { GatewayError, toGatewayError } from '../core/errors.js';
import type { Tollgate } from '../tollgate.js';
import { authenticateGraphql, credentialFrom, type GraphqlAuth } from './auth.js';
import { formatGraphqlErrors, maskGraphqlError, toGraphqlError } from './errors.js';
import type { GraphqlYoga } from './yoga.js';

/** What graphql-ws needs of Yoga's envelop (whose own typings are loose). */
interface Enveloped {
  readonly schema: GraphQLSchema;
  parse(source: string): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
  contextFactory(): Promise<unknown>;
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
}

function envelopedFrom(yoga: GraphqlYoga, auth: GraphqlAuth): Enveloped {
  const envelope = yoga.getEnveloped({ auth });
  return {
    schema: envelope.schema as GraphQLSchema,
    parse: (source) => envelope.parse(source) as DocumentNode,
    validate: (schema, document) => envelope.validate(schema, document) as readonly GraphQLError[],
    contextFactory: () => envelope.contextFactory() as Promise<unknown>,
    execute: (args) => envelope.execute(args) as OperationResult,
    subscribe: (args) => envelope.subscribe(args) as OperationResult,
  };
}

export interface GraphqlWsServer {
  /** Takes over an HTTP upgrade request for the GraphQL path. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every connection (their subscriptions are returned, so streams are cancelled). */
  close(graceMs: number): Promise<void>;
}

/** The key from `connectionParams` (`{ authorization }` or `{ apiKey }`), else the upgrade headers. */
function connectionCredential(
  params: Readonly<Record<string, unknown>> | undefined,
  request: IncomingMessage,
): string | undefined {
  return (
    credentialFrom({ authorization: params?.authorization, apiKey: params?.apiKey }) ??
    credentialFrom({
      authorization: request.headers.authorization,
      apiKey: request.headers['x-api-key'],
    })
  );
}

/** graphql-ws close codes for a refused connection (4401 and 4403 are not retried by clients). */
function closeCodeFor(error: GatewayError): number {
  if (error.status === 401) return CloseCode.Unauthorized;
  if (error.status === 403) return CloseCode.Forbidden;
  return CloseCode.InternalServerError;
}

/**
 * graphql-ws on the GraphQL path, executing through Yoga's envelop (same schema, plugins,
 * limits and error masking as HTTP). The connection authenticates once, in `connection_init`;
 * a refused key closes it with 4401 (or 4403 for a blocked key) and the gateway's error code
 * as the close reason, which graphql-ws clients do not retry.
 */
export function createGraphqlWsServer(
  yoga: GraphqlYoga,
  options: { tollgate: Tollgate; maxPayloadBytes: number },
): GraphqlWsServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  const callers = new WeakMap<object, GraphqlAuth>();
  const envelopedOf = new WeakMap<ExecutionArgs, Enveloped>();
  const enveloped = (args: ExecutionArgs): Enveloped => {
    const found = envelopedOf.get(args);
    if (found === undefined) throw new Error('graphql-ws executed arguments it did not prepare');
    return found;
  };

  useServer(
    {
      isProd: true,
      onConnect: async (ctx) => {
        const credential = connectionCredential(ctx.connectionParams, ctx.extra.request);
        try {
          callers.set(ctx, await authenticateGraphql(options.tollgate, credential));
          return true;
        } catch (error) {
          const gatewayError = toGatewayError(error);
          ctx.extra.socket.close(closeCodeFor(gatewayError), gatewayError.code);
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const auth = callers.get(ctx);
        if (auth === undefined) {
          return [toGraphqlError(new GatewayError('missing_api_key', 'Not authenticated'))];
        }
        const envelope = envelopedFrom(yoga, auth);
        try {
          const document = envelope.parse(payload.query);
          const errors = envelope.validate(envelope.schema, document);
          if (errors.length > 0) return errors;
          const args: ExecutionArgs = {
            schema: envelope.schema,
            document,
            operationName: payload.operationName,
            variableValues: payload.variables,
            contextValue: await envelope.contextFactory(),
          };
          envelopedOf.set(args, envelope);
          return args;
        } catch (error) {
          // Syntax errors and the depth/cost limits throw; answer them, keep the socket.
          return [maskGraphqlError(error)];
        }
      },
      execute: (args) => enveloped(args).execute(args),
      subscribe: (args) => enveloped(args).subscribe(args),
      // What graphql-ws sends is serialised by graphql-ws, not Yoga: shape (and strip Yoga's
      // internal hints from) every error here, as Yoga does for HTTP.
      onNext: (...[, , , , result]) =>
        result.errors === undefined
          ? undefined
          : { ...result, errors: formatGraphqlErrors(result.errors) },
      onError: (...[, , , errors]) => formatGraphqlErrors(errors),
    },
    wss,
  );

  return {
    handleUpgrade(request, socket, head) {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    async close(graceMs) {
      const closed = [...wss.clients].map(
        (client) =>
          new Promise<void>((resolve) => {
            // A client that does not answer the close handshake is cut off.
            const timer = setTimeout(() => client.terminate(), graceMs);
            client.once('close', () => {
              clearTimeout(timer);
              resolve();
            });
            client.close(1001, 'Going away');
          }),
      );
      await Promise.all(closed);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
