import type { WarningSink } from '../../core/adapter.js';
import { unsupportedParameter } from '../../core/provider-options.js';
import type { AnthropicConversion } from './convert-anthropic-request.js';

/** The provider whose native request is the Anthropic request itself (the passthrough). */
export const NATIVE_PROVIDER = 'anthropic';

export interface TargetProviders {
  /** Providers of the deployments that may serve the request (empty: unknown model). */
  readonly providers: readonly string[];
  /** `litellm_settings.drop_params`. */
  readonly dropParams: boolean;
  readonly warnings: WarningSink;
}

/**
 * SPEC §3's rule for what the canonical request could not express. An anthropic deployment gets
 * the original request through the passthrough, so only other providers count: each unsupported
 * feature is a 400 naming it and those providers, or, with `drop_params`, dropped with a warning.
 * `cache_control` breakpoints only steer caching (the answer is the same without them), so they
 * are never a 400; a warning says they were ignored. An unknown model is left to the pipeline's
 * 404.
 */
export function enforceTargetSupport(
  conversion: AnthropicConversion,
  target: TargetProviders,
): void {
  const others = [...new Set(target.providers)].filter((name) => name !== NATIVE_PROVIDER);
  if (others.length === 0) return;
  const provider = others.join(', ');
  for (const feature of conversion.unsupported) {
    unsupportedParameter(target, { provider, param: feature.param, reason: feature.reason });
  }
  if (conversion.cacheControl) {
    target.warnings.warn(
      `ignored cache_control: prompt caching breakpoints are honoured by ${NATIVE_PROVIDER} deployments only`,
    );
  }
}
