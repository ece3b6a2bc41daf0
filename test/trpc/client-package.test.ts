import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { isTRPCClientError, TRPCClient } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../../src/trpc/routers/_app.js';
import { answerAll, COST_PER_REQUEST_USD, MESSAGES, pricedConfig } from '../accounting/support.js';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';
import { spendRows } from './support.js';

/**
 * clients/ts as a user gets it: built with tsc, packed with `npm pack`, installed from the tarball
 * into a scratch project outside the repository (no src/ there), then type-checked by that
 * project's TypeScript and run against a live gateway.
 */

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../..', import.meta.url));
const packageDir = join(repo, 'clients/ts');
const fixtures = fileURLToPath(new URL('./__fixtures__/consumer/', import.meta.url));

interface ClientModule {
  createTollgateClient(options: {
    url: string;
    apiKey: string;
    fetch?: typeof fetch;
  }): TRPCClient<AppRouter>;
  isTRPCClientError: typeof isTRPCClientError;
}

async function installedVersion(name: string): Promise<string> {
  const manifest = JSON.parse(
    await readFile(join(repo, 'node_modules', name, 'package.json'), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

let scratch: string;
let consumer: string;
let packedFiles: string[];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'tollgate-client-'));
  consumer = join(scratch, 'consumer');
  await mkdir(consumer);
  await run(process.execPath, [join(packageDir, 'scripts/build.mjs')], { cwd: packageDir });
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch, '--loglevel=error'],
    { cwd: packageDir },
  );
  const [packed] = JSON.parse(stdout) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  packedFiles = (packed?.files ?? []).map((file) => file.path);
  // The consumer pins what the repository has installed, so npm finds every package in its cache.
  const dependencies: Record<string, string> = {};
  for (const name of ['@trpc/client', '@trpc/server', 'eventsource', 'typescript']) {
    dependencies[name] = await installedVersion(name);
  }
  await writeFile(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }),
  );
  await run(
    'npm',
    [
      'install',
      join(scratch, packed?.filename ?? ''),
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--loglevel=error',
    ],
    { cwd: consumer },
  );
  for (const name of ['good.ts', 'bad-input.ts', 'bad-procedure.ts', 'tsconfig.json']) {
    await copyFile(join(fixtures, `${name}.txt`), join(consumer, name));
  }
}, 120_000);

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the client and AppRouter declarations, and no server JavaScript', async () => {
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    expect(packedFiles).toContain('dist/server/trpc/routers/_app.d.ts');
    const javascript = packedFiles.filter((file) => /\.(c|m)?js$/.test(file));
    expect(javascript).toEqual(['dist/index.js']);
    expect(packedFiles.filter((file) => file.startsWith('src/'))).toEqual([]);
    // What the consumer got: no server code, and the client's JS names no server module.
    const installed = join(consumer, 'node_modules/@tollgate/client');
    const listing = await readdir(installed, { recursive: true });
    expect(listing.filter((file) => /\.(c|m)?js$/.test(file))).toEqual([join('dist', 'index.js')]);
    const code = await readFile(join(installed, 'dist/index.js'), 'utf8');
    expect(code).not.toMatch(/#app-router|src\/|tollgate\.js/);
    expect(relative(repo, consumer).startsWith('..')).toBe(true);
  });

  it('type-checks correct usage and rejects a wrong input or a misspelled procedure', async () => {
    const tsc = join(consumer, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', consumer, '--pretty', 'false'], {
      cwd: consumer,
    }).then(
      () => ({ failed: false, output: '' }),
      (error: { stdout: string }) => ({ failed: true, output: error.stdout }),
    );
    expect(result.failed).toBe(true);
    const diagnostics = result.output.split('\n').filter((line) => line.includes(': error TS'));
    const source = async (file: string) =>
      (await readFile(join(consumer, file), 'utf8')).split('\n');
    const lineOf = async (file: string, marker: string) =>
      (await source(file)).findIndex((line) => line.includes(`// ${marker}`)) + 1;
    const at = async (file: string, marker: string) => {
      const line = await lineOf(file, marker);
      return diagnostics.filter((entry) => entry.startsWith(`${file}(${line},`));
    };

    expect(diagnostics.filter((entry) => entry.startsWith('good.ts'))).toEqual([]);
    expect((await at('bad-input.ts', 'MODEL')).join('\n')).toMatch(
      /error TS2322: Type 'number' is not assignable to type 'string'/,
    );
    expect((await at('bad-input.ts', 'GROUP_BY')).join('\n')).toMatch(
      /error TS2322: Type '"WEEK"' is not assignable to type '"KEY" \| "TEAM" \| "MODEL" \| "PROVIDER" \| "DAY"'/,
    );
    expect((await at('bad-input.ts', 'MISSING_ID')).join('\n')).toMatch(
      /error TS2345: Argument of type '\{\}' is not assignable to parameter of type '\{ id: string; \}'/,
    );
    expect((await at('bad-procedure.ts', 'CREAT')).join('\n')).toMatch(
      /error TS2551: Property 'creat' does not exist .* Did you mean 'create'\?/,
    );
    expect((await at('bad-procedure.ts', 'KEY')).join('\n')).toMatch(
      /error TS2551: Property 'key' does not exist .* Did you mean 'keys'\?/,
    );
    // Nothing else failed: in particular no unresolved module in the shipped declarations.
    expect(diagnostics).toHaveLength(5);
  });
});

describe('the installed client against a running gateway', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  let client: ClientModule;
  const seen: Array<{
    url: string;
    method: string;
    authorization: string | null;
    idempotencyKey: string | null;
  }> = [];
  const recordingFetch: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const headers = new Headers(init?.headers);
    seen.push({
      url,
      method: init?.method ?? 'GET',
      authorization: headers.get('authorization'),
      idempotencyKey: headers.get('idempotency-key'),
    });
    return fetch(input, init);
  };

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    answerAll(upstream);
    gateway = await startTestGateway(pricedConfig(upstream));
    const entry = join(consumer, 'node_modules/@tollgate/client/dist/index.js');
    client = (await import(pathToFileURL(entry).href)) as ClientModule;
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('creates a key, completes, streams and reads the spend, with the key in headers only', async () => {
    const admin = client.createTollgateClient({
      url: gateway.url,
      apiKey: TEST_MASTER_KEY,
      fetch: recordingFetch,
    });
    const created = await admin.keys.create.mutate({ name: 'from-the-package' });
    const tollgate = client.createTollgateClient({
      url: `${gateway.url}/trpc`,
      apiKey: created.key,
      fetch: recordingFetch,
    });
    const completion = await tollgate.completions.create.mutate({
      model: 'chat',
      messages: MESSAGES,
    });
    expect(completion.choices[0]?.message.content).toBe('twenty tokens of answer');

    // A long conversation: far more than fits in a URL (the SSE link's default transport).
    const longPrompt = 'a long conversation '.repeat(5_000);
    const text = await new Promise<string>((resolve, reject) => {
      let collected = '';
      tollgate.completions.stream.subscribe(
        { model: 'chat', messages: [{ role: 'user', content: longPrompt }] },
        {
          onData: (event) => {
            collected += event.data.choices[0]?.delta.content ?? '';
          },
          onError: reject,
          onComplete: () => resolve(collected),
        },
      );
    });
    expect(text).toBe(' word0 word1 word2');

    await spendRows(gateway, { keyId: created.apiKey.id, count: 2 });
    const summary = await tollgate.spend.summary.query({ groupBy: 'KEY' });
    expect(summary).toEqual([
      expect.objectContaining({
        group: created.apiKey.id,
        requests: 2,
        spend: expect.closeTo(COST_PER_REQUEST_USD * 2, 12) as number,
      }),
    ]);

    const streamed = upstream.requests.find((request) => request.bodyText.includes(longPrompt));
    expect(streamed).toBeDefined();
    const streamRequests = seen.filter((request) => request.url.includes('completions.stream'));
    expect(streamRequests).toHaveLength(1);
    expect(streamRequests[0]?.method).toBe('POST');
    expect(streamRequests[0]?.url).not.toContain('input=');
    expect(streamRequests[0]?.idempotencyKey).toMatch(/^[0-9a-f-]{36}:\d+$/);
    for (const request of seen) {
      expect(request.url).not.toContain(created.key);
      expect(request.url).not.toContain(TEST_MASTER_KEY);
      expect(request.authorization).toMatch(/^Bearer sk-/);
    }
  });

  it('errors arrive typed', async () => {
    const anonymous = client.createTollgateClient({ url: gateway.url, apiKey: 'sk-wrong' });
    const error = await anonymous.models.list.query().catch((reason: unknown) => reason);
    expect(client.isTRPCClientError<AppRouter>(error)).toBe(true);
    if (!client.isTRPCClientError<AppRouter>(error)) return;
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.gateway).toMatchObject({ code: 'invalid_api_key', layer: 'policy' });
  });
});
