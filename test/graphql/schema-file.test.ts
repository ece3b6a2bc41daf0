import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printGraphqlSchema } from '../../src/schema/index.js';

describe('schema.graphql', () => {
  it('is up to date with the Pothos schema (regenerate: npm run schema:print)', () => {
    const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printGraphqlSchema());
  });
});
