/**
 * What converting an Anthropic request to the canonical one could not express. The conversion
 * itself never refuses: an anthropic deployment gets the original request anyway, so whether a
 * note becomes a 400, a dropped-parameter warning or nothing is decided once the target
 * providers are known (enforce-target-support.ts).
 */

/** A request part with no canonical equivalent. */
export interface UnsupportedFeature {
  /** Where it is in the request, e.g. `top_k` or `messages[2].content[0]`. */
  readonly param: string;
  /** What it is, for the error message. */
  readonly reason: string;
}

export interface ConversionNotes {
  readonly unsupported: UnsupportedFeature[];
  /** The request carries prompt-caching hints (`cache_control`) somewhere. */
  cacheControl: boolean;
}

export function createConversionNotes(): ConversionNotes {
  return { unsupported: [], cacheControl: false };
}

/** Records a `cache_control` hint when the block or tool carries one. */
export function noteCacheControl(
  notes: ConversionNotes,
  value: Readonly<Record<string, unknown>>,
): void {
  if (value.cache_control !== undefined && value.cache_control !== null) notes.cacheControl = true;
}
