/** The HTTP layer of the mock server (node:http): routing, bodies, CORS, Prefer, faults, state file, control plane. */
export { startServer, DEFAULT_SERVER_OPTIONS, type ServerOptions, type RunningServer } from './start-server.js';
export { StateFileError } from './state-file.js';
export { MOCK_CONTROL_SPEC, loadControlSpec } from './control-plane.js';
export type { LatencyRange } from './faults.js';
export type { CorsOrigins } from './cors.js';
