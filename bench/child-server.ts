/**
 * Starts a server as a child process and waits for the line announcing its URL
 * (`... listening on http://host:port`, printed by the bench servers and by Tollgate's banner).
 */
import { spawn, type ChildProcess } from 'node:child_process';

const LISTENING = /listening on (http:\/\/\S+)/;

export interface ChildServer {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Everything the process wrote so far (kept short), for error messages. */
  output(): string;
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_LIMIT = 20_000;

export function startChildServer(
  name: string,
  command: { file: string; args: readonly string[]; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ChildServer> {
  const child = spawn(command.file, [...command.args], {
    env: command.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Always drain both pipes: a child blocked on a full pipe would stall mid-benchmark.
  const collect = (chunk: Buffer): void => {
    if (output.length < OUTPUT_LIMIT) output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (graceMs = 5_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    const timeoutMs = command.timeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      void stop(0);
      reject(new Error(`${name} did not start within ${timeoutMs} ms. Output:\n${output}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = LISTENING.exec(output);
      if (match?.[1] === undefined || child.pid === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      resolve({
        name,
        url: match[1],
        pid: child.pid,
        process: child,
        output: () => output,
        stop,
      });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(
        new Error(
          `${name} exited (${signal ?? `code ${code}`}) before listening. Output:\n${output}`,
        ),
      );
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
