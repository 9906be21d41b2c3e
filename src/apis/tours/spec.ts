/**
 * This API's spec, loaded once for the modules that read facts from it at load time (messages,
 * paging): one parse of openapi/tours-organizations.yaml instead of one per module.
 */
import { loadSpec, projectPath, type LoadedSpec } from '../../contract/index.js';

export const TOURS_SPEC = 'openapi/tours-organizations.yaml';

let loaded: LoadedSpec | undefined;

export function toursSpec(): LoadedSpec {
  return (loaded ??= loadSpec(projectPath(TOURS_SPEC)));
}
