import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { discoverConfig, loadConfigFile } from '../config/index.js';
import { probeOllama } from '../config/probe-ollama.js';
import type { LoadedConfig } from '../config/loaded-config.js';
import type { Logger } from '../core/logger.js';
import { Tollgate } from '../tollgate.js';
import { GatewayServer } from './http-server.js';

export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATABASE = './.tollgate/tollgate.db';

export const USAGE = `Usage: tollgate [--config FILE] [--port N] [--host H] [--db URL]

  --config, -c FILE   LiteLLM-style YAML config (env TOLLGATE_CONFIG); without one, models are
                      discovered from the environment and the built-in mock provider
  --port, -p N        port to listen on (env PORT, default ${DEFAULT_PORT})
  --host H            address to bind (env HOST, default ${DEFAULT_HOST})
  --db URL            SQLite path (env DATABASE_URL, default ${DEFAULT_DATABASE})
  --help, -h          this text

Environment: TOLLGATE_MASTER_KEY sets the admin key; without one, a key is generated on first
start, stored hashed and printed once.`;

/** What the command line and environment ask for. */
export interface StartOptions {
  readonly configPath: string | undefined;
  readonly port: number;
  readonly host: string;
  readonly database: string | undefined;
  readonly masterKey: string | undefined;
  readonly help: boolean;
}

/** Thrown for a command line that cannot be acted on; the CLI prints it with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseStartOptions(argv: readonly string[], env: NodeJS.ProcessEnv): StartOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        db: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const rawPort = (values.port as string | undefined) ?? env.PORT ?? String(DEFAULT_PORT);
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`Invalid port "${rawPort}"`);
  }
  return {
    configPath: (values.config as string | undefined) ?? nonEmpty(env.TOLLGATE_CONFIG),
    port,
    host: (values.host as string | undefined) ?? nonEmpty(env.HOST) ?? DEFAULT_HOST,
    database: (values.db as string | undefined) ?? nonEmpty(env.DATABASE_URL),
    masterKey: nonEmpty(env.TOLLGATE_MASTER_KEY),
    help: values.help === true,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

export interface StartedGateway {
  readonly tollgate: Tollgate;
  readonly server: GatewayServer;
  readonly address: AddressInfo;
  readonly url: string;
  /** The start-up banner: URL, config, database, models and (once) a new admin key. */
  readonly banner: string;
}

/** Loads config, opens the database, starts the server. Config errors throw before anything binds. */
export async function startGateway(
  options: StartOptions,
  context: { env: NodeJS.ProcessEnv; logger: Logger },
): Promise<StartedGateway> {
  const config: LoadedConfig =
    options.configPath === undefined
      ? discoverConfig(context.env, { ollamaReachable: await probeOllama() })
      : loadConfigFile(options.configPath, context.env);
  for (const warning of config.warnings) context.logger.warn(warning);
  const tollgate = Tollgate.create({
    loadedConfig: config,
    env: context.env,
    database: options.database ?? config.generalSettings.databaseUrl ?? DEFAULT_DATABASE,
    masterKey: options.masterKey,
    generateMasterKey: true,
    logger: context.logger,
  });
  const server = new GatewayServer(tollgate);
  let address: AddressInfo;
  try {
    address = await server.listen(options.port, options.host);
  } catch (error) {
    await tollgate.close();
    throw error;
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return { tollgate, server, address, url, banner: formatBanner(tollgate, url) };
}

function formatBanner(tollgate: Tollgate, url: string): string {
  const models = tollgate.catalog.list().map((model) => model.id);
  const lines = [
    `Tollgate listening on ${url}`,
    `  config:   ${tollgate.config.source ?? 'none (models discovered from the environment)'}`,
    `  database: ${tollgate.database.location}`,
    `  models:   ${models.length === 0 ? '(none)' : models.join(', ')}`,
  ];
  if (tollgate.generatedMasterKey !== undefined) {
    lines.push(
      `  admin key (new; stored hashed, shown only this once): ${tollgate.generatedMasterKey}`,
    );
  }
  lines.push(`  try: curl ${url}/v1/models -H "Authorization: Bearer $TOLLGATE_KEY"`);
  return lines.join('\n');
}
