export * from './settings.js';
export * from './teams.js';
export * from './api-keys.js';
export * from './spend-logs.js';
export * from './spend-daily.js';
