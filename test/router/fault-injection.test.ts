import OpenAI from 'openai';
import type { APIError } from 'openai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../support/test-gateway.js';
import {
  deployment,
  healthOf,
  spendRows,
  startFaultyUpstreams,
  startRouterGateway,
  type FaultyUpstreams,
} from './support.js';

/**
 * Fault injection through the official openai SDK (maxRetries 0, so every retry seen is the
 * gateway's): for each way an upstream can fail, what the client gets, how many upstream calls
 * were made, which deployment served, the cooldown state, and the request's one spend row.
 *
 * Groups: `chat` = three OpenAI-style deployments, `claude` = two Anthropic deployments, `solo`
 * = one deployment; `long` and `safe` are the context-window and content-policy fallbacks.
 */

const MESSAGES = [{ role: 'user' as const, content: 'hello' }];
const ANSWER = 'twenty tokens of answer';
const CLAUDE_ANSWER = 'Hello! How can I help you today?';
const CHAT = ['chat-a', 'chat-b', 'chat-c'];

let faults: FaultyUpstreams;
let gateway: TestGateway;

function config(): Record<string, unknown> {
  const { upstreams } = faults;
  const window = { max_input_tokens: 2_000 };
  return {
    model_list: [
      deployment('chat', { id: 'chat-a', upstream: upstreams.a!, info: window }),
      deployment('chat', { id: 'chat-b', upstream: upstreams.b!, info: window }),
      deployment('chat', { id: 'chat-c', upstream: upstreams.c!, info: window }),
      deployment('claude', { id: 'claude-a', upstream: upstreams.claudeA!, dialect: 'anthropic' }),
      deployment('claude', { id: 'claude-b', upstream: upstreams.claudeB!, dialect: 'anthropic' }),
      deployment('solo', { id: 'solo-1', upstream: upstreams.solo! }),
      deployment('long', { id: 'long-1', upstream: upstreams.long! }),
      deployment('safe', { id: 'safe-1', upstream: upstreams.safe! }),
    ],
    router_settings: {
      num_retries: 2,
      allowed_fails: 1,
      cooldown_time: 30,
      timeout: 1,
      stream_timeout: 1,
      context_window_fallbacks: [{ chat: ['long'] }],
      content_policy_fallbacks: [{ chat: ['safe'] }],
    },
  };
}

beforeAll(async () => {
  faults = await startFaultyUpstreams({
    a: 'openai',
    b: 'openai',
    c: 'openai',
    claudeA: 'anthropic',
    claudeB: 'anthropic',
    solo: 'openai',
    long: 'openai',
    safe: 'openai',
  });
});
afterAll(async () => {
  await faults.close();
});
// A fresh gateway per test: cooldowns and latency averages start clean.
beforeEach(async () => {
  faults.reset();
  gateway = await startRouterGateway(config());
});
afterEach(async () => {
  await gateway.close();
});

async function chat(model = 'chat', content = 'hello') {
  const { data, response } = await gateway.openai.chat.completions
    .create({ model, messages: [{ role: 'user', content }] })
    .withResponse();
  return { text: data.choices[0]?.message.content, headers: response.headers };
}

async function oneRow() {
  const rows = await spendRows(gateway);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** The row's attempts as `deployment:errorCode` (`ok` for success). */
function path(row: { attempts: Array<{ deploymentId: string; errorCode: string | null }> }) {
  return row.attempts.map((attempt) => `${attempt.deploymentId}:${attempt.errorCode ?? 'ok'}`);
}

describe('retryable failures are retried on another deployment of the group', () => {
  it('429 with Retry-After: the deployment cools down at once, the retry succeeds elsewhere', async () => {
    faults.script({ fault: 'rate-limit', retryAfter: '1' });
    const started = Date.now();
    const { text, headers } = await chat();
    expect(text).toBe(ANSWER);
    // Another deployment was free: no waiting out the Retry-After.
    expect(Date.now() - started).toBeLessThan(900);
    expect(faults.totalCalls()).toBe(2);
    const row = await oneRow();
    const [failed, served] = row.attempts;
    expect(failed).toMatchObject({ modelGroup: 'chat', errorCode: 'upstream_rate_limited' });
    expect(served).toMatchObject({ modelGroup: 'chat', errorCode: null });
    expect(served!.deploymentId).not.toBe(failed!.deploymentId);
    expect(headers.get('x-tollgate-deployment')).toBe(served!.deploymentId);
    expect(headers.get('x-tollgate-attempts')).toBe('2');
    expect(row).toMatchObject({ status: 'success', requestedModel: 'chat', servedModel: 'chat' });
    const cooled = healthOf(gateway, failed!.deploymentId);
    expect(cooled).toMatchObject({ healthy: false, cooldownReason: 'upstream_rate_limited' });
    expect(cooled.coolingDownUntil! - Date.now()).toBeGreaterThan(28_000);
    expect(healthOf(gateway, served!.deploymentId).healthy).toBe(true);
  });

  it.each([
    ['server-error', 'upstream_error'],
    ['unavailable', 'upstream_error'],
    ['invalid-json', 'upstream_invalid_response'],
    ['reset-before-first-byte', 'upstream_connection_failed'],
  ] as const)(
    '%s: retried elsewhere, counted toward allowed_fails, not cooled',
    async (fault, code) => {
      faults.script(fault);
      const { text } = await chat();
      expect(text).toBe(ANSWER);
      expect(faults.totalCalls()).toBe(2);
      const row = await oneRow();
      expect(row.status).toBe('success');
      expect(row.attempts.map((attempt) => attempt.errorCode)).toEqual([code, null]);
      const failed = healthOf(gateway, row.attempts[0]!.deploymentId);
      expect(failed).toMatchObject({ healthy: true, recentFailures: 1, lastError: { code } });
    },
  );

  it('Anthropic 529 overloaded: retried on the other Anthropic deployment', async () => {
    faults.script('overloaded');
    const { text, headers } = await chat('claude');
    expect(text).toBe(CLAUDE_ANSWER);
    expect(faults.calls()).toMatchObject({ claudeA: 1, claudeB: 1 });
    const row = await oneRow();
    expect(row.attempts.map((attempt) => attempt.errorCode)).toEqual(['upstream_overloaded', null]);
    expect(headers.get('x-tollgate-provider')).toBe('anthropic');
    expect(row).toMatchObject({ provider: 'anthropic', servedModel: 'claude', status: 'success' });
    expect(healthOf(gateway, row.attempts[0]!.deploymentId)).toMatchObject({
      healthy: true,
      recentFailures: 1,
    });
  });

  it('a hang: aborted at the deployment timeout (the upstream sees its connection close), then retried', async () => {
    faults.script('hang');
    const started = performance.now();
    const { text } = await chat();
    const elapsed = performance.now() - started;
    expect(text).toBe(ANSWER);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(5_000);
    const [hung] = faults.received().sort((x, y) => x.request.receivedAt - y.request.receivedAt);
    const closed = await hung!.request.closed;
    expect(closed.finished).toBe(false);
    expect(closed.at - hung!.request.receivedAt).toBeLessThan(2_000);
    const row = await oneRow();
    expect(row.attempts.map((attempt) => attempt.errorCode)).toEqual(['upstream_timeout', null]);
    expect(row.attempts[0]!.latencyMs).toBeGreaterThanOrEqual(950);
    const slow = healthOf(gateway, row.attempts[0]!.deploymentId);
    expect(slow).toMatchObject({ healthy: true, lastError: { code: 'upstream_timeout' } });
    // The timeout counts as a (very slow) latency sample for latency-based routing.
    expect(slow.latencyMs).toBeGreaterThanOrEqual(950);
  });

  it('a second counted failure within a minute cools the deployment down (allowed_fails 1)', async () => {
    faults.script({ fault: 'server-error', on: 'a' }, { fault: 'server-error', on: 'a' });
    // Route until chat-a has failed twice; every request still succeeds.
    for (let index = 0; index < 40 && faults.calls().a! < 2; index += 1) {
      expect((await chat()).text).toBe(ANSWER);
    }
    expect(healthOf(gateway, 'chat-a')).toMatchObject({
      healthy: false,
      cooldownReason: 'upstream_error',
    });
    // While it cools down, nothing is sent to it.
    const before = faults.calls().a;
    for (let index = 0; index < 10; index += 1) await chat();
    expect(faults.calls().a).toBe(before);
  });
});

describe('streams', () => {
  async function stream(model = 'chat') {
    const chunks: string[] = [];
    const response = await gateway.openai.chat.completions.create({
      model,
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of response) chunks.push(chunk.choices[0]?.delta.content ?? '');
    return chunks.join('');
  }

  it.each([
    'reset-before-first-byte',
    'rate-limit',
    'server-error',
    'hang',
    'stall-before-first-chunk',
  ] as const)('%s before the first chunk: retried transparently', async (fault) => {
    faults.script(fault);
    expect(await stream()).toBe(' word0 word1 word2');
    expect(faults.totalCalls()).toBe(2);
    const row = await oneRow();
    expect(row).toMatchObject({ status: 'success', streamed: true, promptTokens: 10 });
    expect(row.attempts).toHaveLength(2);
    expect(row.attempts[1]!.errorCode).toBeNull();
  });

  it('silence after the first chunk: stream_timeout ends it with an SSE error event, no retry', async () => {
    faults.script('stall-mid-stream');
    const started = performance.now();
    const response = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
      stream: true,
    });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of response) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as APIError).error).toMatchObject({ code: 'upstream_timeout' });
    expect(received.join('')).toBe(' word0');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(faults.totalCalls()).toBe(1);
    const [stalled] = faults.received();
    expect((await stalled!.request.closed).finished).toBe(false);
    const row = await oneRow();
    expect(row).toMatchObject({ status: 'error', errorCode: 'upstream_timeout', streamed: true });
  });

  it('a reset after the first chunk: an SSE error event, no retry, partial usage recorded once', async () => {
    faults.script('reset-mid-stream');
    const response = await gateway.openai.chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
      stream: true,
    });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of response) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(received.join('')).toBe(' word0');
    expect(faults.totalCalls()).toBe(1);
    const row = await oneRow();
    expect(row).toMatchObject({
      status: 'error',
      errorCode: 'upstream_connection_failed',
      usageEstimated: true,
      streamed: true,
    });
    expect(row.completionTokens).toBeGreaterThan(0);
    expect(row.promptTokens).toBeGreaterThan(0);
    expect(path(row)).toEqual([`${row.deploymentId}:ok`]);
    // The stream's failure counts against the deployment that served it.
    expect(healthOf(gateway, row.deploymentId!)).toMatchObject({
      recentFailures: 1,
      inFlight: 0,
      lastError: { code: 'upstream_connection_failed' },
    });
  });
});

describe('failures caused by the request', () => {
  it('context length exceeded: no retry in the group, context_window_fallbacks serve it', async () => {
    faults.script('context-length');
    const { text, headers } = await chat();
    expect(text).toBe(ANSWER);
    expect(faults.calls()).toMatchObject({ long: 1 });
    expect(faults.calls().a! + faults.calls().b! + faults.calls().c!).toBe(1);
    const row = await oneRow();
    expect(row).toMatchObject({ requestedModel: 'chat', servedModel: 'long', status: 'success' });
    expect(row.attempts.map((attempt) => [attempt.modelGroup, attempt.errorCode])).toEqual([
      ['chat', 'context_length_exceeded'],
      ['long', null],
    ]);
    expect(headers.get('x-tollgate-deployment')).toBe('long-1');
    expect(headers.get('x-tollgate-model-group')).toBe('long');
    expect(headers.get('x-tollgate-warnings')).toContain(
      'fallback from "chat" to "long" after context_length_exceeded',
    );
    // The request's fault says nothing about the deployment.
    expect(healthOf(gateway, row.attempts[0]!.deploymentId)).toMatchObject({
      healthy: true,
      recentFailures: 0,
    });
  });

  it('a prompt over every deployment’s max_input_tokens goes to the fallback without a call', async () => {
    // ~2,500 estimated tokens (bytes / 4) against a 2,000-token window.
    const { text } = await chat('chat', 'lorem ipsum '.repeat(850));
    expect(text).toBe(ANSWER);
    expect(faults.calls()).toMatchObject({ a: 0, b: 0, c: 0, long: 1 });
    const row = await oneRow();
    expect(path(row)).toEqual(['long-1:ok']);
    expect(row).toMatchObject({ requestedModel: 'chat', servedModel: 'long' });
  });

  it('content policy violation: content_policy_fallbacks serve it', async () => {
    faults.script('content-policy');
    const { text } = await chat();
    expect(text).toBe(ANSWER);
    expect(faults.calls()).toMatchObject({ safe: 1 });
    const row = await oneRow();
    expect(row.servedModel).toBe('safe');
    expect(row.attempts.map((attempt) => attempt.errorCode)).toEqual([
      'content_policy_violation',
      null,
    ]);
  });

  it('an upstream 400 is the client’s error: never retried, reaches the client as a 400', async () => {
    faults.script('bad-request');
    const error = await chat().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(faults.totalCalls()).toBe(1);
    const row = await oneRow();
    expect(row).toMatchObject({ status: 'error', errorCode: 'upstream_bad_request' });
    expect(row.attempts).toHaveLength(1);
    expect(healthOf(gateway, row.deploymentId!)).toMatchObject({
      healthy: true,
      recentFailures: 0,
    });
  });
});

describe('when the retries are spent', () => {
  it('an upstream 429 everywhere stays a 429; then the cooled group answers 503 with Retry-After', async () => {
    faults.script('rate-limit', 'rate-limit', 'rate-limit');
    const limited = await chat().catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect((limited as APIError).headers?.get('retry-after')).toBe('1');
    expect(faults.totalCalls()).toBe(3);
    for (const id of CHAT) expect(healthOf(gateway, id).healthy).toBe(false);

    const unavailable = await chat().catch((error: unknown) => error);
    expect(unavailable).toBeInstanceOf(OpenAI.InternalServerError);
    expect((unavailable as APIError).status).toBe(503);
    expect((unavailable as APIError).error).toMatchObject({
      code: 'no_healthy_deployment',
    });
    expect(Number((unavailable as APIError).headers?.get('retry-after'))).toBeGreaterThan(25);
    expect(faults.totalCalls()).toBe(3);
    const rows = await spendRows(gateway);
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => row.attempts.length).sort()).toEqual([0, 3]);
  });

  it('a single-deployment group waits out the Retry-After and retries the same deployment, never cooling it', async () => {
    faults.script({ fault: 'rate-limit', retryAfter: '1' });
    const started = performance.now();
    const { text } = await chat('solo');
    expect(text).toBe(ANSWER);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(faults.calls()).toMatchObject({ solo: 2 });
    const row = await oneRow();
    expect(path(row)).toEqual(['solo-1:upstream_rate_limited', 'solo-1:ok']);
    expect(healthOf(gateway, 'solo-1').healthy).toBe(true);
  });

  it('makes at most 1 + num_retries calls in a group', async () => {
    faults.script('server-error', 'server-error', 'server-error', 'server-error');
    const error = await chat('solo').catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as APIError).status).toBe(502);
    expect(faults.calls()).toMatchObject({ solo: 3 });
    const row = await oneRow();
    expect(row.attempts).toHaveLength(3);
  });
});
