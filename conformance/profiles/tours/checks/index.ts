/**
 * The Tours & Events check groups. `run` sends the group's own requests; `sweep` runs once the run
 * has removed what it made and looks at every response of the run.
 */
import type { ToursContext } from '../context.js';
import type { GroupName } from '../groups.js';
import { runCredentials } from './credentials.js';
import { runEnvelopes, sweepEnvelopes } from './envelopes.js';
import { runLifecycle } from './lifecycle.js';
import { runMatrix } from './matrix.js';
import { runPaging } from './paging.js';
import { runPermissions } from './permissions/index.js';
import { runRateLimits, sweepRateLimits } from './rate-limits.js';
import { runRobustness, sweepRobustness } from './robustness.js';
import { runSecrets, sweepSecrets } from './secrets.js';
import { runTenancy } from './tenancy.js';

export interface CheckGroup {
  run?(ctx: ToursContext): Promise<void>;
  sweep?(ctx: ToursContext): Promise<void>;
}

export const CHECK_GROUPS: Readonly<Record<GroupName, CheckGroup>> = {
  credentials: { run: runCredentials },
  matrix: { run: runMatrix },
  permissions: { run: runPermissions },
  tenancy: { run: runTenancy },
  paging: { run: runPaging },
  lifecycle: { run: runLifecycle },
  envelopes: { run: runEnvelopes, sweep: sweepEnvelopes },
  robustness: { run: runRobustness, sweep: sweepRobustness },
  secrets: { run: runSecrets, sweep: sweepSecrets },
  'rate-limits': { run: runRateLimits, sweep: sweepRateLimits },
};
