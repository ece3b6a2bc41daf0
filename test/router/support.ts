import OpenAI from 'openai';
import { silentLogger } from '../../src/core/logger.js';
import type { RouterTuning } from '../../src/core/router/index.js';
import type { SpendLogRow } from '../../src/db/schema/spend-logs.js';
import { requestLogs } from '../../src/resolvers/spend.js';
import { GatewayServer } from '../../src/server/http-server.js';
import { Tollgate } from '../../src/tollgate.js';
import { completionBody, streamChunks } from '../accounting/support.js';
import { anthropicSse } from '../contract/anthropic-sse.js';
import {
  loadChunks,
  loadJson,
  reply,
  startFakeUpstream,
  type FakeReply,
  type FakeUpstream,
  type RecordedRequest,
} from '../support/fake-upstream.js';
import { TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';

/** The failures a fault-injection test can script, each in the dialect of the upstream it hits. */
export type Fault =
  | 'rate-limit'
  | 'server-error'
  | 'unavailable'
  | 'overloaded'
  | 'hang'
  | 'reset-mid-stream'
  | 'reset-before-first-byte'
  | 'invalid-json'
  | 'context-length'
  | 'content-policy'
  | 'bad-request'
  | 'stall-before-first-chunk'
  | 'stall-mid-stream';

export type Dialect = 'openai' | 'anthropic';

/** A scripted fault, for the next call to any upstream, or to the named one only. */
export interface ScriptedFault {
  readonly fault: Fault;
  readonly on?: string;
  /** `Retry-After` seconds for a rate limit (default 1). */
  readonly retryAfter?: string;
}

/**
 * Fake upstreams, one per deployment, that answer normally (OpenAI or Anthropic wire format, JSON
 * or SSE by the request's `stream`) unless a fault is scripted: `script()` queues faults for the
 * next upstream calls, in order, whichever deployment the router sends them to (or only the
 * one named in `on`). So each test says "the next call fails like this" without knowing in
 * advance which deployment the router will pick.
 */
export interface FaultyUpstreams {
  readonly upstreams: Readonly<Record<string, FakeUpstream>>;
  script(...faults: Array<Fault | ScriptedFault>): void;
  /** From now on, `name` fails this share of its calls (at random) with `fault`. */
  failRandomly(name: string, failure: { rate: number; fault: Fault }): void;
  /** Calls `name` failed through failRandomly. */
  randomFailures(name: string): number;
  /** Calls received per upstream name since the last reset. */
  calls(): Record<string, number>;
  /** Calls received by all upstreams since the last reset. */
  totalCalls(): number;
  /** Every recorded request, with the name of the upstream that received it. */
  received(): Array<{ name: string; request: RecordedRequest }>;
  reset(): void;
  close(): Promise<void>;
}

const anthropicFixture = (name: string): URL =>
  new URL(`../../src/adapters/anthropic/__fixtures__/${name}`, import.meta.url);
const openaiFixture = (name: string): URL =>
  new URL(`../../src/adapters/openai/__fixtures__/${name}`, import.meta.url);

interface Fixtures {
  readonly anthropicText: unknown;
  readonly anthropicChunks: string[];
  readonly anthropic: Record<'rateLimit' | 'server' | 'overloaded' | 'promptTooLong', unknown>;
  readonly openai: Record<'rateLimit' | 'server' | 'contextLength' | 'contentPolicy', unknown>;
}

async function loadFixtures(): Promise<Fixtures> {
  return {
    anthropicText: await loadJson(anthropicFixture('anthropic-text.json')),
    anthropicChunks: await loadChunks(anthropicFixture('anthropic-text.chunks.txt')),
    anthropic: {
      rateLimit: await loadJson(anthropicFixture('anthropic-error-rate-limit.json')),
      server: await loadJson(anthropicFixture('anthropic-error-server.json')),
      overloaded: await loadJson(anthropicFixture('anthropic-error-overloaded.json')),
      promptTooLong: await loadJson(anthropicFixture('anthropic-error-prompt-too-long.json')),
    },
    openai: {
      rateLimit: await loadJson(openaiFixture('openai-error-rate-limit.json')),
      server: await loadJson(openaiFixture('openai-error-server.json')),
      contextLength: await loadJson(openaiFixture('openai-error-context-length.json')),
      contentPolicy: await loadJson(openaiFixture('openai-error-content-policy.json')),
    },
  };
}

const ANTHROPIC_CONTENT_POLICY = {
  type: 'error',
  error: {
    type: 'invalid_request_error',
    message: 'Output blocked by content filtering policy',
  },
};

const ANTHROPIC_BAD_REQUEST = {
  type: 'error',
  error: { type: 'invalid_request_error', message: 'temperature: range: 0..1' },
};

const OPENAI_BAD_REQUEST = {
  error: {
    message: "Invalid value for 'temperature': must be between 0 and 2.",
    type: 'invalid_request_error',
    param: 'temperature',
    code: 'invalid_value',
  },
};

const UNAVAILABLE = {
  error: { message: 'Service Unavailable', type: 'server_error', param: null, code: null },
};

function isStream(request: RecordedRequest): boolean {
  return (request.body as { stream?: boolean } | undefined)?.stream === true;
}

function normalReply(dialect: Dialect, request: RecordedRequest, fixtures: Fixtures): FakeReply {
  if (dialect === 'anthropic') {
    return isStream(request)
      ? anthropicSse(fixtures.anthropicChunks)
      : reply.json(fixtures.anthropicText);
  }
  return isStream(request) ? reply.sse(streamChunks(3)) : reply.json(completionBody());
}

function faultReply(
  scripted: ScriptedFault,
  upstream: { dialect: Dialect; request: RecordedRequest },
  fixtures: Fixtures,
): FakeReply {
  const anthropic = upstream.dialect === 'anthropic';
  const bodies = anthropic ? fixtures.anthropic : fixtures.openai;
  switch (scripted.fault) {
    case 'rate-limit':
      return reply.error(429, bodies.rateLimit, { retryAfter: scripted.retryAfter ?? '1' });
    case 'server-error':
      return reply.error(500, bodies.server);
    case 'unavailable':
      return reply.error(503, UNAVAILABLE);
    case 'overloaded':
      // Anthropic's own status for "overloaded" (https://docs.anthropic.com/en/api/errors).
      return reply.error(529, fixtures.anthropic.overloaded);
    case 'hang':
      return reply.hang();
    case 'reset-mid-stream':
      return anthropic
        ? anthropicSse(fixtures.anthropicChunks, { resetAfterChunk: 4 })
        : reply.sse(streamChunks(3), { resetAfterChunk: 2 });
    case 'bad-request':
      return reply.error(400, anthropic ? ANTHROPIC_BAD_REQUEST : OPENAI_BAD_REQUEST);
    case 'reset-before-first-byte':
      return reply.reset();
    // Headers at once, then silence: only the stream idle timeout (stream_timeout) ends these.
    case 'stall-before-first-chunk':
      return reply.sse(streamChunks(3), { stall: { afterChunk: 0, ms: Infinity } });
    case 'stall-mid-stream':
      return reply.sse(streamChunks(3), { stall: { afterChunk: 2, ms: Infinity } });
    case 'invalid-json':
      return reply.json('{"id":"chatcmpl-broken","choices":[{"index":0,', {
        headers: { 'content-type': 'application/json' },
      });
    case 'context-length':
      return reply.error(
        400,
        anthropic ? fixtures.anthropic.promptTooLong : fixtures.openai.contextLength,
      );
    case 'content-policy':
      return reply.error(400, anthropic ? ANTHROPIC_CONTENT_POLICY : fixtures.openai.contentPolicy);
  }
}

/** Starts one fake upstream per name, speaking the given dialect. */
export async function startFaultyUpstreams(
  dialects: Readonly<Record<string, Dialect>>,
): Promise<FaultyUpstreams> {
  const fixtures = await loadFixtures();
  const queue: ScriptedFault[] = [];
  const upstreams: Record<string, FakeUpstream> = {};
  const random = new Map<string, { rate: number; fault: Fault; failed: number }>();
  const answer = (name: string, dialect: Dialect) => (request: RecordedRequest) => {
    const index = queue.findIndex((entry) => entry.on === undefined || entry.on === name);
    const flaky = random.get(name);
    if (index < 0 && flaky !== undefined && Math.random() < flaky.rate) {
      flaky.failed += 1;
      return faultReply({ fault: flaky.fault }, { dialect, request }, fixtures);
    }
    if (index < 0) return normalReply(dialect, request, fixtures);
    const [scripted] = queue.splice(index, 1);
    return faultReply(scripted!, { dialect, request }, fixtures);
  };
  for (const [name, dialect] of Object.entries(dialects)) {
    const upstream = await startFakeUpstream();
    upstream.setDefault(answer(name, dialect));
    upstreams[name] = upstream;
  }
  return {
    upstreams,
    script(...faults) {
      for (const fault of faults) queue.push(typeof fault === 'string' ? { fault } : fault);
    },
    failRandomly(name, failure) {
      random.set(name, { ...failure, failed: 0 });
    },
    randomFailures(name) {
      return random.get(name)?.failed ?? 0;
    },
    calls() {
      return Object.fromEntries(
        Object.entries(upstreams).map(([name, upstream]) => [name, upstream.requests.length]),
      );
    },
    totalCalls() {
      return Object.values(upstreams).reduce((sum, upstream) => sum + upstream.requests.length, 0);
    },
    received() {
      return Object.entries(upstreams).flatMap(([name, upstream]) =>
        upstream.requests.map((request) => ({ name, request })),
      );
    },
    reset() {
      queue.length = 0;
      random.clear();
      for (const [name, upstream] of Object.entries(upstreams)) {
        upstream.reset();
        upstream.setDefault(answer(name, dialects[name] ?? 'openai'));
      }
    },
    async close() {
      await Promise.all(Object.values(upstreams).map((upstream) => upstream.close()));
    },
  };
}

/** Router timings short enough for tests (the defaults are the OpenAI SDK's). */
export const FAST_TUNING: Partial<RouterTuning> = {
  initialBackoffMs: 20,
  maxBackoffMs: 200,
};

/** Like startTestGateway, with router tuning: a real server on a loopback port. */
export async function startRouterGateway(
  config: Record<string, unknown>,
  options: { tuning?: Partial<RouterTuning>; now?: () => number } = {},
): Promise<TestGateway> {
  const tollgate = Tollgate.create({
    config,
    env: {},
    database: ':memory:',
    masterKey: TEST_MASTER_KEY,
    logger: silentLogger,
    now: options.now,
    routerTuning: { ...FAST_TUNING, ...options.tuning },
  });
  const server = new GatewayServer(tollgate, { shutdownTimeoutMs: 1_000 });
  const address = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${address.port}`;
  return {
    tollgate,
    server,
    url,
    openai: new OpenAI({
      apiKey: TEST_MASTER_KEY,
      baseURL: `${url}/v1`,
      maxRetries: 0,
      timeout: 10_000,
    }),
    close: () => server.shutdown(),
  };
}

/** A deployment entry pointing at a fake upstream. */
export function deployment(
  group: string,
  entry: { id: string; upstream: FakeUpstream; dialect?: Dialect; params?: object; info?: object },
): Record<string, unknown> {
  const anthropic = entry.dialect === 'anthropic';
  return {
    model_name: group,
    litellm_params: {
      model: anthropic ? 'anthropic/claude-sonnet-4-5-20250929' : 'openai/gpt-4o-mini',
      api_base: anthropic ? entry.upstream.url : `${entry.upstream.url}/v1`,
      api_key: anthropic ? 'sk-ant-upstream-0123456789' : 'sk-upstream-0123456789',
      ...entry.params,
    },
    model_info: { id: entry.id, ...entry.info },
  };
}

/** Every spend row written so far (after the log stage and the writer have flushed). */
export async function spendRows(gateway: TestGateway): Promise<SpendLogRow[]> {
  await gateway.tollgate.flushSpend();
  const rows: SpendLogRow[] = [];
  let after: string | null = null;
  for (;;) {
    const page = requestLogs(gateway.tollgate.database.db, {
      principal: { kind: 'master' },
      filter: {},
      first: 500,
      after,
    });
    rows.push(...page.rows);
    if (!page.hasNextPage) return rows;
    after = page.endCursor;
  }
}

/** The one health view of a deployment. */
export function healthOf(gateway: TestGateway, id: string) {
  const view = gateway.tollgate.deploymentHealth().find((entry) => entry.id === id);
  if (view === undefined) throw new Error(`no deployment ${id}`);
  return view;
}
