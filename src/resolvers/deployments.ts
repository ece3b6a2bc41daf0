import type { ResolvedDeployment } from '../core/deployment.js';
import type { Principal } from '../core/principal.js';
import type { DeploymentHealthView } from '../core/router/deployment-health.js';

/**
 * A deployment as the APIs show it: never its credential, base URL or headers. Health comes from
 * the router; it is null for a deployment the router has not built yet (a wildcard pattern before
 * its first request).
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

/** The configured deployments a principal may use (every one for the master key), with health. */
export function listDeployments(
  source: { deployments: readonly ResolvedDeployment[]; health: readonly DeploymentHealthView[] },
  principal: Principal,
): DeploymentView[] {
  const allowed = principal.allowedModels;
  const healthById = new Map(source.health.map((entry) => [entry.id, entry]));
  return source.deployments
    .filter((deployment) => allowed === undefined || allowed.includes(deployment.modelGroup))
    .map((deployment) => {
      const health = healthById.get(deployment.id);
      return {
        id: deployment.id,
        modelGroup: deployment.modelGroup,
        provider: deployment.provider,
        providerModel: deployment.providerModel,
        healthy: health?.healthy ?? null,
        cooldownUntil: health?.coolingDownUntil ?? null,
        recentLatencyMs: health?.latencyMs ?? health?.timeToFirstTokenMs ?? null,
      };
    });
}
