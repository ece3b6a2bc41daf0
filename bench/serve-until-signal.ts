import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

/** `--port N --host H` of a bench server process; port 0 (the default) picks a free port. */
export function parseListenArguments(argv: readonly string[]): { port: number; host: string } {
  const { values } = parseArgs({
    args: [...argv],
    options: { port: { type: 'string' }, host: { type: 'string' } },
    strict: false,
  });
  const port = Number(typeof values.port === 'string' ? values.port : '0');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`Invalid --port ${String(values.port)}`);
  }
  return { port, host: typeof values.host === 'string' ? values.host : '127.0.0.1' };
}

/**
 * Listens, then prints `<label> listening on http://host:port` (the line bench/run.ts waits
 * for, in the same shape as Tollgate's banner) and closes on SIGTERM/SIGINT.
 */
export function serveUntilSignal(
  server: Server,
  label: string,
  listen: { port: number; host: string },
): void {
  server.listen(listen.port, listen.host, () => {
    const { address, port } = server.address() as AddressInfo;
    process.stdout.write(`${label} listening on http://${address}:${port}\n`);
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
