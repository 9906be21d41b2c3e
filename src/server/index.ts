/** The HTTP layer of the mock server (node:http): routing, bodies, CORS, Prefer, faults, state file, control plane. */
export { startServer, type ServerOptions, type RunningServer } from './start-server.js';
export { StateFileError } from './state-file.js';
