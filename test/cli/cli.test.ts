import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { cleanEnv, ROOT, signalGatewayProcess, spawnGateway } from '../support/spawn-gateway.js';

const NODE = process.execPath;
const CLI = 'dist/cli.js';

function adminKeyOf(banner: string): string {
  const match = /admin key \(new[^)]*\): (sk-\S+)/.exec(banner);
  if (match?.[1] === undefined) throw new Error(`no admin key in banner:\n${banner}`);
  return match[1];
}

describe('tollgate CLI', () => {
  it('`npm start` with no config serves mock/echo to the openai SDK, then exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
    const database = join(dir, 'db.sqlite');
    const gateway = await spawnGateway(
      { file: 'npm', args: ['start', '--silent', '--', '--port', '0', '--db', database] },
      cleanEnv(),
    );
    try {
      expect(gateway.banner).toContain('config:   none (models discovered from the environment)');
      expect(gateway.banner).toContain(`database: ${database}`);
      expect(gateway.banner).toMatch(/models: +mock\/echo, mock\/\*/);
      const key = adminKeyOf(gateway.banner);
      expect(key.length).toBeGreaterThan(40);
      const client = new OpenAI({ apiKey: key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
      const ask = () =>
        client.chat.completions
          .create({
            model: 'mock/echo',
            messages: [{ role: 'user', content: 'hello from a newcomer' }],
          })
          .withResponse();
      const first = await ask();
      expect(first.data.choices[0]?.message.content).toBe('hello from a newcomer');
      // The embedded defaults include the in-memory cache (SPEC §1).
      expect(first.response.headers.get('x-tollgate-cache')).toBe('miss');
      const second = await ask();
      expect(second.response.headers.get('x-tollgate-cache')).toBe('hit');
      expect(second.data).toEqual(first.data);
    } finally {
      expect(signalGatewayProcess(database, 'SIGTERM')).toBe(1);
    }
    expect(await gateway.exited).toBe(0);
    expect(gateway.stderr()).toContain('SIGTERM: finishing in-flight requests');
  }, 60_000);

  it('keeps the generated admin key (hashed) across restarts and never prints it again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
    const args = [CLI, '--port', '0', '--db', join(dir, 'db.sqlite')];
    const first = await spawnGateway({ file: NODE, args }, cleanEnv());
    const key = adminKeyOf(first.banner);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = await spawnGateway({ file: NODE, args }, cleanEnv());
    try {
      expect(second.banner).not.toContain('admin key');
      expect(second.banner).not.toContain(key);
      const response = await fetch(`${second.url}/v1/models`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
      const wrong = await fetch(`${second.url}/v1/models`, {
        headers: { authorization: 'Bearer sk-nope-123456789' },
      });
      expect(wrong.status).toBe(401);
    } finally {
      second.child.kill('SIGTERM');
    }
    expect(await second.exited).toBe(0);
  }, 60_000);

  it('lets an in-flight stream finish on SIGTERM before exiting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-cli-'));
    const gateway = await spawnGateway(
      {
        file: NODE,
        args: [
          CLI,
          '--config',
          'test/fixtures/mock-config.yaml',
          '--port',
          '0',
          '--db',
          join(dir, 'db.sqlite'),
        ],
      },
      cleanEnv({ TOLLGATE_MASTER_KEY: 'sk-cli-test-master-key-000000' }),
    );
    expect(gateway.banner).toContain('config:   ');
    expect(gateway.banner).not.toContain('admin key');
    const client = new OpenAI({
      apiKey: 'sk-cli-test-master-key-000000',
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
    });
    const stream = await client.chat.completions.create({
      model: 'slow',
      messages: [{ role: 'user', content: 'one two three four five six seven eight' }],
      stream: true,
    });
    let text = '';
    let signalled = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (!signalled && text !== '') {
        signalled = true;
        gateway.child.kill('SIGTERM');
      }
    }
    expect(signalled).toBe(true);
    expect(text).toBe('one two three four five six seven eight');
    expect(await gateway.exited).toBe(0);
  }, 60_000);

  it('stops on an invalid config, naming the file and the path inside it', () => {
    const result = spawnSync(
      NODE,
      [CLI, '--config', 'test/fixtures/invalid-config.yaml', '--port', '0'],
      {
        cwd: ROOT,
        env: cleanEnv(),
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('test/fixtures/invalid-config.yaml');
    expect(result.stderr).toContain('model_list[0].litellm_params.model');
    expect(result.stderr).toContain('nosuchprovider');
  });

  it('rejects an unknown flag with the usage text', () => {
    const result = spawnSync(NODE, [CLI, '--frobnicate'], {
      cwd: ROOT,
      env: cleanEnv(),
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Usage: tollgate');
  });
});
