import OpenAI from 'openai';
import { silentLogger } from '../../src/core/logger.js';
import { GatewayServer, type ServerOptions } from '../../src/server/http-server.js';
import { Tollgate } from '../../src/tollgate.js';

export const TEST_MASTER_KEY = 'sk-test-master-key-0123456789abcdef';

export interface TestGateway {
  readonly tollgate: Tollgate;
  readonly server: GatewayServer;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** An official openai SDK client pointed at the gateway, with retries off. */
  readonly openai: OpenAI;
  close(): Promise<void>;
}

/** A gateway on an ephemeral loopback port with an in-memory database and a known master key. */
export interface TestGatewayOptions extends ServerOptions {
  /** The gateway's clock (budgets, expiry, rate limits). */
  readonly now?: () => number;
  /** A SQLite path; in-memory by default. */
  readonly database?: string;
}

export async function startTestGateway(
  config: Record<string, unknown>,
  options: TestGatewayOptions = {},
): Promise<TestGateway> {
  const tollgate = Tollgate.create({
    config,
    env: {},
    database: options.database ?? ':memory:',
    masterKey: TEST_MASTER_KEY,
    logger: silentLogger,
    now: options.now,
  });
  const server = new GatewayServer(tollgate, options);
  const address = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    tollgate,
    server,
    url,
    openai: new OpenAI({
      apiKey: TEST_MASTER_KEY,
      baseURL: `${url}/v1`,
      maxRetries: 0,
      timeout: 10_000,
    }),
    close: () => server.shutdown(),
  };
}

/** A config serving the built-in mock provider as `mock/echo`, `mock/*` and `slow`. */
export const MOCK_CONFIG = {
  model_list: [
    { model_name: 'mock/echo', litellm_params: { model: 'mock/echo' } },
    { model_name: 'mock/*', litellm_params: { model: 'mock/*' } },
    {
      model_name: 'slow',
      litellm_params: { model: 'mock/slow', mock_chunk_delay_ms: 150 },
      model_info: { id: 'slow-1' },
    },
  ],
};
