import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completionBody } from '../accounting/support.js';
import { reply, startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { gqlData } from './support.js';

interface Deployments {
  deployments: Array<{
    id: string;
    healthy: boolean | null;
    cooldownUntil: string | null;
    recentLatencyMs: number | null;
  }>;
}

/** The `deployments` query shows the router's health: cooldowns and recent latency. */
describe('GraphQL deployments health', () => {
  let failing: FakeUpstream;
  let working: FakeUpstream;
  let gateway: TestGateway;
  beforeAll(async () => {
    [failing, working] = await Promise.all([startFakeUpstream(), startFakeUpstream()]);
    failing.setDefault(
      reply.error(429, { error: { message: 'slow down', type: 'requests' } }, { retryAfter: '5' }),
    );
    working.setDefault(reply.json(completionBody()));
    const deployment = (id: string, upstream: FakeUpstream) => ({
      model_name: 'chat',
      litellm_params: {
        model: 'openai/gpt-4o-mini',
        api_base: `${upstream.url}/v1`,
        api_key: 'sk-upstream-0123456789',
      },
      model_info: { id },
    });
    gateway = await startTestGateway({
      model_list: [deployment('bad', failing), deployment('good', working)],
      router_settings: { num_retries: 2, cooldown_time: 60 },
    });
  });
  afterAll(async () => {
    await gateway.close();
    await Promise.all([failing.close(), working.close()]);
  });

  it('reports a cooled-down deployment and the latency of a healthy one', async () => {
    // The router shuffles between the two deployments: send until it has tried the failing one
    // (six requests missed it 1.6% of the time), then once more so the healthy one has latency.
    for (let index = 0; index < 40 && failing.requests.length === 0; index += 1) {
      await gateway.openai.chat.completions.create({
        model: 'chat',
        messages: [{ role: 'user', content: 'hi' }],
      });
    }
    expect(failing.requests.length).toBeGreaterThanOrEqual(1);
    await gateway.openai.chat.completions.create({
      model: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const data = await gqlData<Deployments>(
      gateway,
      '{ deployments { id healthy cooldownUntil recentLatencyMs } }',
    );
    const bad = data.deployments.find((entry) => entry.id === 'bad');
    const good = data.deployments.find((entry) => entry.id === 'good');
    expect(bad).toMatchObject({ healthy: false });
    expect(bad?.cooldownUntil).not.toBeNull();
    expect(good).toMatchObject({ healthy: true, cooldownUntil: null });
    expect(good?.recentLatencyMs).toBeGreaterThan(0);
  });
});
