import type { CallOptions } from './adapter.js';
import { GatewayError } from './errors.js';

type JsonObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `provider_options.<provider>` deep-merged into that provider's native request (SPEC §3):
 * objects merge key by key, anything else (arrays included) replaces. Returns a new object.
 */
export function mergeProviderOptions<T extends JsonObject>(
  native: T,
  options: Readonly<JsonObject> | undefined,
): T {
  if (options === undefined) return native;
  return deepMerge(native, options) as T;
}

function deepMerge(target: JsonObject, source: Readonly<JsonObject>): JsonObject {
  const out: JsonObject = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : value;
  }
  return out;
}

/**
 * A request parameter the provider cannot honour: a 400 naming the parameter and the provider,
 * or, with `drop_params`, dropped and listed in `x-tollgate-warnings` (SPEC §3, STYLE habit 7).
 * Returns normally only when the parameter is to be dropped.
 */
export function unsupportedParameter(
  options: Pick<CallOptions, 'dropParams' | 'warnings'>,
  detail: { provider: string; param: string; reason?: string },
): void {
  const why = detail.reason === undefined ? '' : ` (${detail.reason})`;
  if (options.dropParams) {
    options.warnings.warn(`dropped ${detail.param}: not supported by ${detail.provider}${why}`);
    return;
  }
  throw new GatewayError(
    'unsupported_parameter',
    `The parameter "${detail.param}" is not supported by ${detail.provider}${why}. ` +
      'Remove it, or enable litellm_settings.drop_params to drop it with a warning.',
    { param: detail.param, provider: detail.provider },
  );
}
