import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../core/errors.js';
import { RequestContext } from '../core/request-context.js';
import { openDatabase } from '../db/client.js';
import { spendLogs } from '../db/schema/spend-logs.js';
import { SPEND_ROW, SPEND_ROW_COLUMNS, spendRowFields, toSpendRow } from './spend-row.js';
import { writeSpendBatch } from './write-spend-batch.js';

function context(): RequestContext {
  const ctx = new RequestContext({
    kind: 'chat',
    credential: 'sk-test',
    signal: new AbortController().signal,
  });
  ctx.principal = {
    kind: 'virtual_key',
    keyId: 'key_1',
    teamId: 'team_1',
    allowedModels: undefined,
  };
  ctx.requestedModel = 'chat';
  ctx.servedModelGroup = 'chat-fallback';
  ctx.deploymentId = 'dep-2';
  ctx.provider = 'anthropic';
  ctx.attempts.push(
    {
      deploymentId: 'dep-1',
      provider: 'openai',
      modelGroup: 'chat',
      latencyMs: 12.34567,
      errorCode: 'upstream_rate_limited',
    },
    {
      deploymentId: 'dep-2',
      provider: 'anthropic',
      modelGroup: 'chat-fallback',
      latencyMs: 80.5,
      errorCode: undefined,
    },
  );
  ctx.usage = {
    prompt_tokens: 100,
    completion_tokens: 50,
    total_tokens: 150,
    prompt_tokens_details: { cached_tokens: 40, cache_creation_tokens: 7 },
    completion_tokens_details: { reasoning_tokens: 20 },
  };
  ctx.usageEstimated = true;
  ctx.costUsd = 0.000123456;
  ctx.costSavedUsd = 0.000002;
  ctx.latencyMs = 95.25;
  ctx.streaming = true;
  ctx.timeToFirstTokenMs = 31.5;
  ctx.cacheStatus = 'miss';
  ctx.status = 'error';
  ctx.error = new GatewayError('upstream_error', 'stream broke', { status: 502 });
  ctx.endUser = 'user-7';
  ctx.metadata = { project: 'alpha', tags: ['a', 'b'] };
  return ctx;
}

describe('spend rows as positional values', () => {
  it('name every spend_logs column exactly once, in a dense order', () => {
    const positions = Object.values(SPEND_ROW).sort((a, b) => a - b);
    expect(positions).toEqual(positions.map((_, index) => index));
    expect(new Set(SPEND_ROW_COLUMNS)).toEqual(new Set(Object.values(getTableColumns(spendLogs))));
    for (const [name, position] of Object.entries(SPEND_ROW)) {
      expect(SPEND_ROW_COLUMNS[position]).toBe(
        getTableColumns(spendLogs)[name as keyof typeof SPEND_ROW],
      );
    }
  });

  it('land in the right columns with the right driver values', () => {
    const database = openDatabase(':memory:');
    const ctx = context();
    const row = toSpendRow(ctx, ctx.startedAtEpochMs + 96);
    expect(spendRowFields(row)).toMatchObject({ requestId: ctx.requestId, streamed: 1 });
    expect(writeSpendBatch(database.db, [row])).toBe(1);
    expect(database.db.select().from(spendLogs).all()).toEqual([
      {
        requestId: ctx.requestId,
        keyId: 'key_1',
        teamId: 'team_1',
        kind: 'chat',
        requestedModel: 'chat',
        servedModel: 'chat-fallback',
        deploymentId: 'dep-2',
        provider: 'anthropic',
        attempts: [
          {
            deploymentId: 'dep-1',
            provider: 'openai',
            modelGroup: 'chat',
            latencyMs: 12.346,
            errorCode: 'upstream_rate_limited',
          },
          {
            deploymentId: 'dep-2',
            provider: 'anthropic',
            modelGroup: 'chat-fallback',
            latencyMs: 80.5,
            errorCode: null,
          },
        ],
        promptTokens: 100,
        completionTokens: 50,
        cachedTokens: 40,
        cacheCreationTokens: 7,
        reasoningTokens: 20,
        usageEstimated: true,
        costNanos: 123_456,
        costSavedNanos: 2_000,
        latencyMs: 95.25,
        timeToFirstTokenMs: 31.5,
        cacheStatus: 'miss',
        streamed: true,
        status: 'error',
        httpStatus: 502,
        errorLayer: 'provider',
        errorCode: 'upstream_error',
        startTime: ctx.startedAtEpochMs,
        endTime: ctx.startedAtEpochMs + 96,
        endUser: 'user-7',
        metadata: { project: 'alpha', tags: ['a', 'b'] },
      },
    ]);
    // The same request id again (a retried batch) writes nothing.
    expect(writeSpendBatch(database.db, [row])).toBe(0);
    database.close();
  });
});
