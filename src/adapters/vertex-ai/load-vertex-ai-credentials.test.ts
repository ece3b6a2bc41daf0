import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayErrorOf } from '../../../test/support/adapter-harness.js';
import {
  createTestServiceAccount,
  type TestServiceAccount,
} from './__fixtures__/service-account.js';
import { loadVertexCredentials } from './load-vertex-ai-credentials.js';

let account: TestServiceAccount;
let directory: string;

beforeAll(async () => {
  account = await createTestServiceAccount('https://oauth2.googleapis.com/token');
  directory = await mkdtemp(join(tmpdir(), 'tollgate-vertex-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('loadVertexCredentials', () => {
  it('reads a JSON string, a mapping and a file path', async () => {
    const path = join(directory, 'key.json');
    await writeFile(path, JSON.stringify(account.json));
    for (const source of [JSON.stringify(account.json), account.json, path]) {
      expect(await loadVertexCredentials(source)).toMatchObject({
        client_email: 'gateway@tollgate-test.iam.gserviceaccount.com',
        project_id: 'tollgate-test',
      });
    }
  });

  it.each([
    ['{"type": "service_account",', 'is not valid JSON'],
    [JSON.stringify({ type: 'authorized_user', client_id: 'x' }), 'must be a service-account key'],
    [JSON.stringify({ type: 'service_account' }), 'client_email'],
    ['/nonexistent/key.json', 'file "/nonexistent/key.json" cannot be read'],
    ['', 'must be a service-account JSON'],
  ])('refuses %j', async (source, text) => {
    const error = await gatewayErrorOf(loadVertexCredentials(source));
    expect({ code: error.code, isRetryable: error.isRetryable }).toEqual({
      code: 'upstream_auth_failed',
      isRetryable: false,
    });
    expect(error.message).toContain(text);
    expect(error.message).not.toContain('PRIVATE KEY');
  });
});
