export { GatewayRouter, type GatewayRouterOptions } from './gateway-router.js';
export {
  DeploymentHealth,
  failureEffect,
  type DeploymentHealthView,
  type FailureEffect,
} from './deployment-health.js';
export {
  DEFAULT_ROUTER_TUNING,
  type DeploymentRates,
  type RetryPolicyKey,
  type RouterPolicy,
  type RouterTuning,
  type RoutingStrategyName,
  type TokenRates,
} from './router-options.js';
export { retriesFor, retryDelayMs, retryKind } from './retry-policy.js';
