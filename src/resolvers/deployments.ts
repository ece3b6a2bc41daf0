import type { ResolvedDeployment } from '../core/deployment.js';
import type { Principal } from '../core/principal.js';

/**
 * A deployment as the APIs show it: never its credential, base URL or headers. The health
 * fields are null until the router keeps health state (cooldowns, recent latency); they are
 * part of the shape now so that clients need not change when they are filled.
 */
export interface DeploymentView {
  readonly id: string;
  /** The model group (public model name) it serves. */
  readonly modelGroup: string;
  readonly provider: string;
  /** The model id at the provider. */
  readonly providerModel: string;
  /** False while cooling down; null when the router does not track health. */
  readonly healthy: boolean | null;
  /** Unix ms until which the router skips it; null when not cooling down. */
  readonly cooldownUntil: number | null;
  /** Recent mean latency in ms; null when unknown. */
  readonly recentLatencyMs: number | null;
}

/** The configured deployments a principal may use (every one for the master key). */
export function listDeployments(
  deployments: readonly ResolvedDeployment[],
  principal: Principal,
): DeploymentView[] {
  const allowed = principal.allowedModels;
  return deployments
    .filter((deployment) => allowed === undefined || allowed.includes(deployment.modelGroup))
    .map((deployment) => ({
      id: deployment.id,
      modelGroup: deployment.modelGroup,
      provider: deployment.provider,
      providerModel: deployment.providerModel,
      healthy: null,
      cooldownUntil: null,
      recentLatencyMs: null,
    }));
}
