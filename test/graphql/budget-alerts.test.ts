import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  vi,
  type MockInstance,
} from 'vitest';
import type { Client } from 'graphql-ws';
import { startFakeUpstream, type FakeUpstream } from '../support/fake-upstream.js';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from '../support/test-gateway.js';
import {
  answerAll,
  clientFor,
  COST_PER_REQUEST_USD,
  MESSAGES,
  pricedConfig,
} from '../accounting/support.js';
import { wsClient } from './support.js';

interface AlertData {
  budgetAlerts: {
    type: string;
    subjectKind: string;
    subjectId: string;
    spend: number;
    threshold: number | null;
    at: string;
  };
}

const ALERTS = 'subscription { budgetAlerts { type subjectKind subjectId spend threshold at } }';

interface AlertStream {
  /** The next alert delivered to this subscriber. */
  next(): Promise<AlertData['budgetAlerts'] | undefined>;
  stop(): Promise<void>;
}

/** Starts a budgetAlerts subscription and resolves once the server listens on the alert bus. */
async function subscribe(listeners: MockInstance, client: Client): Promise<AlertStream> {
  const subscribeCalls = listeners.mock.calls;
  const listening = subscribeCalls.length;
  const iterator = client.iterate<AlertData>({ query: ALERTS });
  // The first next() sends the subscribe message; the server then adds its listener.
  let pending: Promise<IteratorResult<{ data?: AlertData | null }>> | undefined = iterator.next();
  await vi.waitFor(() => expect(subscribeCalls.length).toBe(listening + 1));
  return {
    async next() {
      const result = await (pending ?? iterator.next());
      pending = undefined;
      return result.done === true ? undefined : (result.value.data?.budgetAlerts ?? undefined);
    },
    async stop() {
      if (iterator.return !== undefined) await iterator.return();
    },
  };
}

describe('budgetAlerts over graphql-ws', () => {
  let upstream: FakeUpstream;
  let gateway: TestGateway;
  /** The alert bus's subscribe: each server-side budgetAlerts subscription calls it once. */
  let listeners: MockInstance;
  const clients: Client[] = [];
  const connect = (key: string): Client => {
    const client = wsClient(gateway, { authorization: `Bearer ${key}` });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    answerAll(upstream);
    gateway = await startTestGateway(pricedConfig(upstream));
    listeners = vi.spyOn(gateway.tollgate.alerts, 'subscribe');
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(async (client) => client.dispose()));
  });

  it('a soft budget crossed reaches the master key and the key itself, never another key', async () => {
    const team = gateway.tollgate.keys.createTeam({ name: 'alerts' });
    const alice = gateway.tollgate.keys.createKey({
      teamId: team.id,
      softBudget: COST_PER_REQUEST_USD * 1.5,
    });
    const bob = gateway.tollgate.keys.createKey({
      teamId: team.id,
      softBudget: COST_PER_REQUEST_USD * 0.5,
    });
    const master = await subscribe(listeners, connect(TEST_MASTER_KEY));
    const own = await subscribe(listeners, connect(alice.key));
    const other = await subscribe(listeners, connect(bob.key));

    // Alice's second request crosses her soft budget.
    for (let index = 0; index < 2; index += 1) {
      await clientFor(gateway, alice.key).chat.completions.create({
        model: 'chat',
        messages: MESSAGES,
      });
    }
    const expected = {
      type: 'SOFT_BUDGET_REACHED',
      subjectKind: 'KEY',
      subjectId: alice.apiKey.id,
      threshold: expect.closeTo(COST_PER_REQUEST_USD * 1.5, 12) as number,
      spend: expect.closeTo(COST_PER_REQUEST_USD * 2, 12) as number,
    };
    expect(await master.next()).toMatchObject(expected);
    expect(await own.next()).toMatchObject(expected);

    // Bob's own alert is the first thing Bob hears: Alice's never reached him.
    await clientFor(gateway, bob.key).chat.completions.create({
      model: 'chat',
      messages: MESSAGES,
    });
    expect(await other.next()).toMatchObject({
      type: 'SOFT_BUDGET_REACHED',
      subjectId: bob.apiKey.id,
    });
    expect(await master.next()).toMatchObject({ subjectId: bob.apiKey.id });
    await own.stop();
  });
});
