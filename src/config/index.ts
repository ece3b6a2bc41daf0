export { ConfigError, formatConfigProblems } from './config-error.js';
export type { ConfigPath, ConfigProblem } from './config-error.js';
export { configSchema } from './config-schema.js';
export type {
  GeneralSettingsInput,
  LitellmParams,
  LitellmSettingsInput,
  ModelInfo,
  ModelListEntry,
  RouterSettingsInput,
} from './config-schema.js';
export type { Environment } from './config-value.js';
export { discoverConfig } from './discover-models.js';
export { loadConfigFile, parseConfig } from './load-config.js';
export type { LoadOptions, ParseConfigOptions } from './load-config.js';
export { DEFAULT_STREAM_TIMEOUT_SECONDS, DEFAULT_TIMEOUT_SECONDS } from './loaded-config.js';
export type {
  GeneralSettings,
  LitellmSettings,
  LoadedConfig,
  RouterSettings,
} from './loaded-config.js';
export { ACCEPTED_NOT_YET_IN_EFFECT } from './not-yet-in-effect.js';
export type { PendingSetting } from './not-yet-in-effect.js';
export { ENV_REFERENCE_PREFIX } from './resolve-env-references.js';
