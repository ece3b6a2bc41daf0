import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MOCK_CONFIG, startTestGateway, type TestGateway } from '../support/test-gateway.js';
import { gqlData } from './support.js';

/** Every SQL statement drizzle runs is prepared on the driver first: count the prepares. */
function countStatements(gateway: TestGateway): { count: () => number; stop: () => void } {
  const driver = Reflect.get(gateway.tollgate.database.db, '$client') as {
    prepare: (sql: string) => unknown;
  };
  const spy = vi.spyOn(driver, 'prepare');
  return { count: () => spy.mock.calls.length, stop: () => spy.mockRestore() };
}

const LISTING = /* GraphQL */ `
  {
    keys {
      id
      name
      spend
      periodSpend
      budgetResetAt
      team {
        id
        name
        spend
        keys {
          id
          spend
        }
      }
    }
    teams {
      id
      keys {
        id
        team {
          id
        }
      }
    }
  }
`;

describe('DataLoader: listing keys with their teams and spend is a constant number of SQL statements', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway(MOCK_CONFIG);
  });
  afterAll(async () => {
    await gateway.close();
  });

  /** Adds keys, each in a team of its own, until there are `total`. */
  function growTo(total: number): void {
    const keys = gateway.tollgate.keys;
    for (let index = keys.listKeys().length; index < total; index += 1) {
      const team = keys.createTeam({ name: `team-${index}`, maxBudget: 10, budgetDuration: '1d' });
      keys.createKey({ name: `key-${index}`, teamId: team.id, maxBudget: 1, budgetDuration: '1d' });
    }
  }

  async function statementsFor(total: number): Promise<number> {
    growTo(total);
    const counter = countStatements(gateway);
    try {
      const data = await gqlData<{ keys: Array<{ team: { keys: unknown[] } }>; teams: unknown[] }>(
        gateway,
        LISTING,
      );
      expect(data.keys).toHaveLength(total);
      expect(data.teams).toHaveLength(total);
      expect(data.keys.every((key) => key.team.keys.length === 1)).toBe(true);
      return counter.count();
    } finally {
      counter.stop();
    }
  }

  it('the same count for 1, 10 and 100 keys in distinct teams', async () => {
    const one = await statementsFor(1);
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(one).toBeGreaterThan(0);
    expect(ten).toBe(one);
    expect(hundred).toBe(one);
    // keys, teams, the team loader (every key.team) and the keys-by-team loader (every team.keys).
    expect(one).toBe(4);
  });
});
