import { createYoga, type YogaLogger, type YogaServerInstance } from 'graphql-yoga';
import { GatewayError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Tollgate } from '../tollgate.js';
import type { ActiveSubscriptions } from './active-subscriptions.js';
import { authenticateGraphql, credentialFrom, type GraphqlAuth } from './auth.js';
import type { GraphqlContext } from './builder.js';
import {
  isDeliberateError,
  maskGraphqlError,
  toGraphqlError,
  useRequestErrorCodes,
} from './errors.js';
import { graphqlSchema } from './index.js';
import { limitPlugins } from './limits.js';
import { createLoaders } from './loaders.js';

export const GRAPHQL_PATH = '/graphql';

/** What a transport may hand Yoga with a request: a caller it has already authenticated. */
export interface GraphqlServerContext {
  readonly auth?: GraphqlAuth | undefined;
}

export type GraphqlYoga = YogaServerInstance<GraphqlServerContext, GraphqlContext>;

export interface GraphqlYogaOptions {
  readonly tollgate: Tollgate;
  readonly subscriptions: ActiveSubscriptions;
  /** Serve GraphiQL on GET /graphql for browsers (development only). */
  readonly graphiql: boolean;
}

function yogaLogger(logger: Logger): YogaLogger {
  const text = (args: unknown[]): string =>
    args.map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : String(arg))).join(' ');
  return {
    debug: () => undefined,
    info: (...args: unknown[]) => logger.info(`graphql: ${text(args)}`),
    warn: (...args: unknown[]) => logger.warn(`graphql: ${text(args)}`),
    error: (...args: unknown[]) => {
      if (!args.every(isDeliberateError)) logger.error(`graphql: ${text(args)}`);
    },
  };
}

/** The caller from the request's headers, for requests no transport authenticated first. */
async function authenticateRequest(tollgate: Tollgate, request: Request): Promise<GraphqlAuth> {
  const credential = credentialFrom({
    authorization: request.headers.get('authorization'),
    apiKey: request.headers.get('x-api-key'),
  });
  try {
    return await authenticateGraphql(tollgate, credential);
  } catch (error) {
    if (error instanceof GatewayError) throw toGraphqlError(error, { httpStatus: true });
    throw error;
  }
}

/**
 * The Yoga instance for one gateway. Usable on its own (`yoga.fetch()` in tests, where the
 * caller comes from the headers) and behind the node:http server, which authenticates first.
 */
export function createGraphqlYoga(options: GraphqlYogaOptions): GraphqlYoga {
  const { tollgate, subscriptions } = options;
  return createYoga<GraphqlServerContext, GraphqlContext>({
    schema: graphqlSchema,
    graphqlEndpoint: GRAPHQL_PATH,
    graphiql: options.graphiql ? { title: 'Tollgate', subscriptionsProtocol: 'WS' } : false,
    landingPage: false,
    // Like the REST shim: no CORS (keys travel in headers, not cookies) and JSON bodies only.
    cors: false,
    multipart: false,
    logging: yogaLogger(tollgate.logger),
    maskedErrors: { maskError: maskGraphqlError },
    plugins: [...limitPlugins(), useRequestErrorCodes()],
    context: async (initial): Promise<GraphqlContext> => {
      const auth = initial.auth ?? (await authenticateRequest(tollgate, initial.request));
      return {
        tollgate,
        principal: auth.principal,
        credential: auth.credential,
        loaders: createLoaders(tollgate.keys, auth.principal),
        subscriptions,
      };
    },
  });
}
