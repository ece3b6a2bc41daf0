/**
 * Adapters that estimate usage (a provider that reported none) say so with
 * `provider_metadata.<provider>.usage_estimated: true` on the usage chunk or the response.
 */
export function reportsEstimatedUsage(
  metadata: Readonly<Record<string, unknown>> | null | undefined,
): boolean {
  if (metadata == null) return false;
  for (const value of Object.values(metadata)) {
    if (
      typeof value === 'object' &&
      value !== null &&
      (value as { usage_estimated?: unknown }).usage_estimated === true
    ) {
      return true;
    }
  }
  return false;
}
