import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SpawnedGateway {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything printed on stdout until the banner was complete. */
  readonly banner: string;
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

/**
 * Signals the gateway's own node process (found by a unique marker in its command line, such as
 * its temporary `--db` path), not the `npm` wrapper: npm then exits with the gateway's exit code,
 * exactly as under a service manager that stops the service's main process.
 */
export function signalGatewayProcess(marker: string, signal: NodeJS.Signals): number {
  let signalled = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdline.split('\0');
    if (
      args[0]?.endsWith('node') === true &&
      args.includes('dist/cli.js') &&
      args.includes(marker)
    ) {
      process.kill(Number(entry), signal);
      signalled += 1;
    }
  }
  return signalled;
}

/** An environment without provider keys, so discovery finds only the mock provider. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

/** Starts a command that prints the gateway banner; resolves once it is listening. */
export function spawnGateway(
  command: { file: string; args: string[] },
  env: NodeJS.ProcessEnv,
): Promise<SpawnedGateway> {
  const child = spawn(command.file, command.args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway did not start:\n${stdout}\n${stderr}`)),
      30_000,
    );
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString();
      const match = /Tollgate listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1] !== undefined && /try: curl/.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, url: match[1], banner: stdout, stderr: () => stderr, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(
        new Error(`gateway exited with ${String(code)} before starting:\n${stdout}\n${stderr}`),
      );
    });
  });
}
