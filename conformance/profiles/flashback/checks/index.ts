/**
 * The check groups. `run` sends the group's own requests; `sweep` runs after the run's users are
 * cleaned up and looks at every response of the run (envelopes, no 5xx, secrets).
 */
import type { RunContext } from '../context.js';
import type { GroupName } from '../groups.js';
import { runBusiness } from './business.js';
import { runEnvelopes, sweepEnvelopes } from './envelopes.js';
import { runLifecycle } from './lifecycle.js';
import { runMatrix } from './matrix.js';
import { runRobustness, sweepServerErrors } from './robustness.js';
import { runSecrets, sweepSecrets } from './secrets.js';
import { runTenancy } from './tenancy.js';

export interface CheckGroup {
  run?(ctx: RunContext): Promise<void>;
  sweep?(ctx: RunContext): Promise<void>;
}

export const CHECK_GROUPS: Readonly<Record<GroupName, CheckGroup>> = {
  matrix: { run: runMatrix },
  envelopes: { run: runEnvelopes, sweep: sweepEnvelopes },
  tenancy: { run: runTenancy },
  lifecycle: { run: runLifecycle },
  business: { run: runBusiness },
  robustness: { run: runRobustness, sweep: sweepServerErrors },
  secrets: { run: runSecrets, sweep: sweepSecrets },
};

/**
 * The order groups run in. Business rules go last: their self-delete checks aim at principals
 * (nothing else can be "yourself"), so a target that wrongly lets them through spoils nothing after.
 */
export const EXECUTION_ORDER: readonly GroupName[] = ['envelopes', 'matrix', 'tenancy', 'lifecycle', 'robustness', 'secrets', 'business'];
