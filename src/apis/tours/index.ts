/**
 * The Tours & Events Organizations API's domain (docs/decisions/tours.md), as plain TypeScript with
 * no HTTP, for the engine to plug in: records and store, clock, credentials, the caller, the rate
 * limit, the seed, and the business part of each of the 28 operations.
 */
import type { ApiDefinition } from '../../engine/api-definition.js';
import { createToursMockApi } from './mock-api.js';
import { DEFAULT_RATE_LIMIT } from './rate-limit.js';
import { TOURS_SPEC } from './spec.js';

/** The Tours & Events Organizations API's mock, handed to the engine as `toursApi`. */
export const toursApi: ApiDefinition = Object.freeze({
  name: 'tours',
  title: 'Tours & Events Organizations API',
  specFile: TOURS_SPEC,
  // Section 9: browser apps on another origin send the session cookie (`credentials: 'include'`).
  corsCredentials: true,
  // TL1: 100 requests per 60 seconds per credential, unless `--rate-limit` says otherwise.
  defaultRateLimit: DEFAULT_RATE_LIMIT,
  create: createToursMockApi,
});

export { ToursDomain, loadToursModel } from './domain.js';
export { TOURS_SPEC } from './spec.js';
export { ToursStore, ToursStateError } from './store.js';
export { ToursClock, fixedClock } from './clock.js';
export { API_KEY_PATTERN, SESSION_COOKIE, SESSION_TTL_MS, readCredentials } from './credentials.js';
export { effectiveRole, mayAssignRole, mayGrantPermissions, type Caller } from './caller.js';
export { DEFAULT_RATE_LIMIT, RateLimiter, rateLimitHeaders, rateLimitedBody, type RateLimitConfig } from './rate-limit.js';
export { checkToursFixture, loadToursFixture, seedSnapshot, seededCredentials, type ToursPrincipal } from './seed.js';
export { MESSAGES, REFUSALS } from './messages.js';
export { OPERATIONS } from './operations/index.js';
export * from './records.js';
