#!/usr/bin/env node
import { ConfigError } from './config/index.js';
import { consoleLogger } from './core/logger.js';
import { parseStartOptions, startGateway, UsageError, USAGE } from './server/start.js';

/** `tollgate` / `npm start`: start the gateway, shut down gracefully on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const options = parseStartOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const started = await startGateway(options, { env: process.env, logger: consoleLogger });
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      consoleLogger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    consoleLogger.info(`${signal}: finishing in-flight requests, then exiting`);
    started.server.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        consoleLogger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  // Handlers first, banner second: whoever reacts to the banner may signal us at once.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${started.banner}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
  } else if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
    process.stderr.write(
      `Cannot start: ${error.message} (is another gateway running? use --port)\n`,
    );
  } else {
    process.stderr.write(
      `Cannot start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
