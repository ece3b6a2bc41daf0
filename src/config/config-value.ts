/** A YAML mapping (or JSON object) as it comes out of the parser. */
export type ConfigRecord = Record<string, unknown>;

/** True for a mapping, false for lists, scalars and null. */
export function isConfigRecord(value: unknown): value is ConfigRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Environment variables, as `process.env` holds them. Passed explicitly so tests need no globals. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** The value of a variable, treating an empty one as unset (an empty API key is never meant). */
export function environmentValue(env: Environment, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
