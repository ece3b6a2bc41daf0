import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.js';
import type { ModelGroup } from '../model-catalog.js';
import { RequestContext } from '../request-context.js';
import { FallbackChain } from './fallback-chain.js';
import type { RouterPolicy } from './router-options.js';

const group = (name: string): ModelGroup => ({ name, deployments: [] });
const GROUPS = new Set(['chat', 'backup', 'long', 'safe', 'default', 'loop']);
const lookup = {
  resolve: (name: string) => (GROUPS.has(name) ? group(name) : undefined),
  admit: undefined,
};
const policy: RouterPolicy = {
  routingStrategy: 'simple-shuffle',
  numRetries: 0,
  allowedFails: 3,
  cooldownTime: 5,
  fallbacks: new Map([
    ['chat', ['backup', 'missing']],
    ['backup', ['chat', 'loop']],
    ['loop', ['backup', 'chat']],
  ]),
  contextWindowFallbacks: new Map([['chat', ['long']]]),
  contentPolicyFallbacks: new Map([['chat', ['safe']]]),
  defaultFallbacks: ['default'],
  retryPolicy: {},
};

function chain(requestFallbacks?: string[], maxFallbacks = 5): FallbackChain {
  return new FallbackChain({ first: 'chat', requestFallbacks, policy, maxFallbacks });
}

const failure = (code: 'upstream_error' | 'context_length_exceeded' | 'content_policy_violation') =>
  new GatewayError(code, 'x');

/** Walks a chain where every group fails with `code`; returns the groups tried, in order. */
async function walk(fallbacks: FallbackChain, code: Parameters<typeof failure>[0]) {
  const ctx = new RequestContext({
    kind: 'chat',
    credential: undefined,
    signal: new AbortController().signal,
  });
  const tried: string[] = [];
  let current = group('chat');
  for (;;) {
    const next = await fallbacks.next(ctx, { group: current, error: failure(code) }, lookup);
    if (next === undefined) return { tried, warnings: ctx.warnings };
    tried.push(next.name);
    current = next;
  }
}

describe('FallbackChain', () => {
  it('follows fallbacks of fallbacks breadth-first, never revisiting a group', async () => {
    const { tried, warnings } = await walk(chain(), 'upstream_error');
    // loop's own list (backup, chat) is all seen; default_fallbacks only serve groups without a list.
    expect(tried).toEqual(['backup', 'loop']);
    expect(warnings).toEqual(['fallback "missing" skipped: model_not_found']);
  });

  it('is bounded by maxFallbacks', async () => {
    expect((await walk(chain(undefined, 1), 'upstream_error')).tried).toEqual(['backup']);
  });

  it('uses the context window and content policy lists for those failures', async () => {
    expect((await walk(chain(), 'context_length_exceeded')).tried[0]).toBe('long');
    expect((await walk(chain(), 'content_policy_violation')).tried[0]).toBe('safe');
  });

  it('lets the request’s own fallbacks replace the requested group’s configured ones', async () => {
    expect((await walk(chain(['safe']), 'upstream_error')).tried).toEqual(['safe', 'default']);
  });

  it('skips a group the admission refuses, with the reason', async () => {
    const ctx = new RequestContext({
      kind: 'chat',
      credential: undefined,
      signal: new AbortController().signal,
    });
    const next = await chain().next(
      ctx,
      { group: group('chat'), error: failure('upstream_error') },
      {
        resolve: lookup.resolve,
        admit: (_ctx, candidate) =>
          candidate.name === 'backup'
            ? Promise.reject(new GatewayError('budget_exceeded', 'no'))
            : Promise.resolve(),
      },
    );
    expect(next).toBeUndefined();
    expect(ctx.warnings).toEqual([
      'fallback "backup" skipped: budget_exceeded',
      'fallback "missing" skipped: model_not_found',
    ]);
  });
});
