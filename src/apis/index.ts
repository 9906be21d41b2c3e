/** The APIs the mock serves, by the name `--api` takes (names.ts). Each is one folder, handed to the engine as a value. */
import type { ApiDefinition } from '../engine/api-definition.js';
import { flashbackApi } from './flashback/index.js';
import { toursApi } from './tours/index.js';
import type { ApiName } from './names.js';

export const API_DEFINITIONS: Readonly<Record<ApiName, ApiDefinition>> = Object.freeze({ flashback: flashbackApi, tours: toursApi });

export { flashbackApi, toursApi };
