/**
 * A shallow copy of an object without some of its keys. Used where a body or chunk is forwarded
 * with unknown fields intact but a few known ones replaced or withheld.
 */
export function omitFields<T extends object>(
  value: T,
  fields: ReadonlySet<string>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!fields.has(key)) copy[key] = field;
  }
  return copy;
}
