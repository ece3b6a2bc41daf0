import OpenAI from 'openai';
import type { APIError } from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientFor } from '../accounting/support.js';
import type { TestGateway } from '../support/test-gateway.js';
import {
  deployment,
  spendRows,
  startFaultyUpstreams,
  startRouterGateway,
  type FaultyUpstreams,
} from './support.js';

/**
 * Fallbacks through the openai SDK: `fallbacks` after the retries, chains that follow the
 * fallbacks of fallbacks without cycles, per-request `fallbacks`, `default_fallbacks`, the key's
 * allowed models, and a budget re-reserved for a pricier fallback group.
 */

const ANSWER = 'twenty tokens of answer';
/** USD per token: `pricey` costs 100 times `primary`. */
const CHEAP = { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 };
const PRICEY = { input_cost_per_token: 0.0001, output_cost_per_token: 0.0002 };

let faults: FaultyUpstreams;
let gateway: TestGateway;

beforeAll(async () => {
  faults = await startFaultyUpstreams({
    primary: 'openai',
    backup: 'openai',
    pricey: 'openai',
    lonely: 'openai',
  });
});
afterAll(async () => {
  await faults.close();
});
beforeEach(async () => {
  faults.reset();
  const { upstreams } = faults;
  gateway = await startRouterGateway({
    model_list: [
      deployment('primary', { id: 'primary-1', upstream: upstreams.primary!, params: CHEAP }),
      deployment('backup', { id: 'backup-1', upstream: upstreams.backup!, params: CHEAP }),
      deployment('pricey', { id: 'pricey-1', upstream: upstreams.pricey!, params: PRICEY }),
      deployment('lonely', { id: 'lonely-1', upstream: upstreams.lonely!, params: CHEAP }),
    ],
    router_settings: {
      num_retries: 1,
      // A cycle on purpose: backup falls back to primary again.
      fallbacks: [{ primary: ['backup'] }, { backup: ['primary', 'pricey'] }],
      default_fallbacks: ['backup'],
    },
  });
});
afterEach(async () => {
  await gateway.close();
});

type Body = ChatCompletionCreateParamsNonStreaming & { fallbacks?: string[] };

async function chat(model: string, options: { fallbacks?: string[]; client?: OpenAI } = {}) {
  const body: Body = { model, messages: [{ role: 'user', content: 'hello' }] };
  if (options.fallbacks !== undefined) body.fallbacks = options.fallbacks;
  const { data, response } = await (options.client ?? gateway.openai).chat.completions
    .create(body)
    .withResponse();
  return { text: data.choices[0]?.message.content, headers: response.headers };
}

async function oneRow() {
  const rows = await spendRows(gateway);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

function groups(row: { attempts: Array<{ modelGroup: string; errorCode: string | null }> }) {
  return row.attempts.map((attempt) => `${attempt.modelGroup}:${attempt.errorCode ?? 'ok'}`);
}

describe('fallbacks', () => {
  it('run after the group’s retries are spent, and the row records requested and served group', async () => {
    faults.script(
      { fault: 'server-error', on: 'primary' },
      { fault: 'server-error', on: 'primary' },
    );
    const { text, headers } = await chat('primary');
    expect(text).toBe(ANSWER);
    expect(faults.calls()).toMatchObject({ primary: 2, backup: 1 });
    const row = await oneRow();
    expect(groups(row)).toEqual(['primary:upstream_error', 'primary:upstream_error', 'backup:ok']);
    expect(row).toMatchObject({
      requestedModel: 'primary',
      servedModel: 'backup',
      deploymentId: 'backup-1',
    });
    expect(headers.get('x-tollgate-model-group')).toBe('backup');
    expect(headers.get('x-tollgate-attempts')).toBe('3');
  });

  it('follow the fallbacks of fallbacks, never revisit a group, and answer with the first group’s error', async () => {
    faults.script(
      { fault: 'rate-limit', on: 'primary', retryAfter: '60' },
      { fault: 'server-error', on: 'backup' },
      { fault: 'server-error', on: 'backup' },
      { fault: 'server-error', on: 'pricey' },
      { fault: 'server-error', on: 'pricey' },
    );
    const error = await chat('primary').catch((failure: unknown) => failure);
    // The requested group's upstream 429 stays a 429.
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    // primary's Retry-After is longer than the router waits: no retry there.
    expect(faults.calls()).toMatchObject({ primary: 1, backup: 2, pricey: 2, lonely: 0 });
    const row = await oneRow();
    expect(groups(row)).toEqual([
      'primary:upstream_rate_limited',
      'backup:upstream_error',
      'backup:upstream_error',
      'pricey:upstream_error',
      'pricey:upstream_error',
    ]);
    expect(row).toMatchObject({ requestedModel: 'primary', status: 'error' });
  });

  it('per request (`fallbacks` in the body) replace the configured ones', async () => {
    faults.script(
      { fault: 'server-error', on: 'primary' },
      { fault: 'server-error', on: 'primary' },
    );
    const { text } = await chat('primary', { fallbacks: ['lonely'] });
    expect(text).toBe(ANSWER);
    expect(faults.calls()).toMatchObject({ backup: 0, lonely: 1 });
    expect((await oneRow()).servedModel).toBe('lonely');
  });

  it('default_fallbacks serve groups without fallbacks of their own', async () => {
    faults.script({ fault: 'server-error', on: 'lonely' }, { fault: 'server-error', on: 'lonely' });
    const { text } = await chat('lonely');
    expect(text).toBe(ANSWER);
    expect((await oneRow()).servedModel).toBe('backup');
  });

  it('skip groups the key may not use', async () => {
    const { key } = gateway.tollgate.keys.createKey({ name: 'primary only', models: ['primary'] });
    faults.script(
      { fault: 'server-error', on: 'primary' },
      { fault: 'server-error', on: 'primary' },
    );
    const error = await chat('primary', { client: clientFor(gateway, key) }).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).status).toBe(502);
    expect(faults.calls()).toMatchObject({ primary: 2, backup: 0, pricey: 0 });
    const row = await oneRow();
    expect(groups(row)).toEqual(['primary:upstream_error', 'primary:upstream_error']);
    expect((error as APIError).headers?.get('x-tollgate-warnings')).toContain(
      'fallback "backup" skipped: model_not_allowed',
    );
  });
});

describe('budgets and fallbacks', () => {
  it('a fallback to a pricier group the budget cannot cover is skipped, with a warning', async () => {
    // Enough for primary's reservation (~$0.008 with 4096 output tokens), not pricey's (~$0.82).
    const { key, apiKey } = gateway.tollgate.keys.createKey({ name: 'small', maxBudget: 0.1 });
    faults.script(
      { fault: 'server-error', on: 'primary' },
      { fault: 'server-error', on: 'primary' },
    );
    const client = clientFor(gateway, key);
    const { response } = await client.chat.completions
      .create({
        model: 'primary',
        messages: [{ role: 'user', content: 'hello' }],
        fallbacks: ['pricey', 'lonely'],
      } as Body)
      .withResponse();
    expect(response.headers.get('x-tollgate-warnings')).toContain(
      'fallback "pricey" skipped: budget_exceeded',
    );
    expect(faults.calls()).toMatchObject({ pricey: 0, lonely: 1 });
    const row = await oneRow();
    expect(row.servedModel).toBe('lonely');
    expect(gateway.tollgate.ledger.snapshot({ kind: 'key', id: apiKey.id })).toMatchObject({
      reservedNanos: 0,
      spentNanos: row.costNanos,
    });
  });

  it('a pricier fallback the budget covers is re-reserved, priced at its own rates and settled', async () => {
    const { key, apiKey } = gateway.tollgate.keys.createKey({ name: 'ample', maxBudget: 5 });
    faults.script(
      { fault: 'server-error', on: 'primary' },
      { fault: 'server-error', on: 'primary' },
    );
    const { text } = await chat('primary', {
      client: clientFor(gateway, key),
      fallbacks: ['pricey'],
    });
    expect(text).toBe(ANSWER);
    const row = await oneRow();
    expect(row).toMatchObject({ servedModel: 'pricey', deploymentId: 'pricey-1' });
    // 10 prompt tokens at $0.0001 + 20 completion tokens at $0.0002, in nano-USD.
    expect(row.costNanos).toBe(5_000_000);
    expect(gateway.tollgate.ledger.snapshot({ kind: 'key', id: apiKey.id })).toMatchObject({
      reservedNanos: 0,
      spentNanos: 5_000_000,
    });
  });
});
