/** The stateful mock of the Organization API (no HTTP): createMockApi behind the MockApi boundary. */
export * from '../../engine/api.js';
export { createMockApi } from './create-mock-api.js';
export { EXTRA_USER_PASSWORD } from './seed.js';
export { MESSAGES } from './messages.js';
export type { StateSnapshot, UserRecord, RefreshTokenRecord } from './records.js';
export type { AccessClaims, RefreshClaims } from './tokens.js';
export { REFRESH_TOKEN_TTL_SECONDS } from './tokens.js';
export { DEFAULT_TOKEN_TTL_SECONDS } from '../../engine/options.js';
