import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/core/errors.js';
import { GatewayRouter } from '../../src/core/router/index.js';
import { context, policy, stubDeployment, stubGroup } from './stub-group.js';

/** The router's own waits never outlive the client. */
describe('a client that goes away', () => {
  it('ends a backoff at once, without another attempt', async () => {
    const group = stubGroup('solo', [stubDeployment('only')]);
    const router = new GatewayRouter({
      policy: policy({ numRetries: 3 }),
      resolveGroup: () => undefined,
      tuning: { initialBackoffMs: 10_000, maxBackoffMs: 10_000 },
    });
    const controller = new AbortController();
    const ctx = context({ signal: controller.signal });
    let calls = 0;
    const started = performance.now();
    setTimeout(() => controller.abort(), 50);
    const error = await router
      .route(ctx, { group }, () => {
        calls += 1;
        return Promise.reject(new GatewayError('upstream_error', 'boom', { upstreamStatus: 500 }));
      })
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'client_closed_request' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(calls).toBe(1);
    expect(ctx.attempts.map((attempt) => attempt.errorCode)).toEqual(['upstream_error']);
  });

  it('is not counted against the deployment, and no fallback runs', async () => {
    const group = stubGroup('chat', [stubDeployment('a'), stubDeployment('b')]);
    const backup = stubGroup('backup', [stubDeployment('c', { group: 'backup' })]);
    const router = new GatewayRouter({
      policy: policy({ numRetries: 2, fallbacks: new Map([['chat', ['backup']]]) }),
      resolveGroup: (name) => (name === 'backup' ? backup : undefined),
    });
    const ctx = context();
    const error = await router
      .route(ctx, { group }, () =>
        Promise.reject(new GatewayError('client_closed_request', 'gone', { retryable: false })),
      )
      .catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'client_closed_request' });
    expect(ctx.attempts).toHaveLength(1);
    expect(router.snapshot(group.deployments).map((view) => view.failures)).toEqual([0, 0]);
  });
});
