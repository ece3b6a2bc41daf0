/**
 * Reads `provider_metadata.anthropic` (provider_metadata is keyed by provider name): the raw stop
 * reason, the matched stop sequence and thinking signatures an anthropic deployment reported.
 */

export type AnthropicMetadata = Readonly<Record<string, unknown>>;

function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The `anthropic` entries of several provider_metadata objects, later ones winning. */
export function anthropicMetadata(...sources: readonly unknown[]): AnthropicMetadata {
  let merged: AnthropicMetadata = {};
  for (const source of sources) {
    const entry = asRecord(asRecord(source)?.anthropic);
    if (entry !== undefined) merged = { ...merged, ...entry };
  }
  return merged;
}

/** A string entry, or undefined. */
export function metadataString(metadata: AnthropicMetadata, key: string): string | undefined {
  const value = metadata[key];
  return typeof value === 'string' ? value : undefined;
}
