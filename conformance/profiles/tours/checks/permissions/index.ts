/**
 * Permissions proven, beyond the matrix: what the seeded principals' permission maps say against what
 * they meet (TR7) and the role lists (TR2, TR8), read before anything changes; then, writing, roles
 * holding one permission key each (TR1, TR4, TA4), shadowing and role names (TR4), no escalation
 * (TR5), read-only system roles (TR6) and the last owner (TM2). Every change is undone in its case and
 * tracked as well (shared.ts), so a principal is the catalogue's again when the next group runs.
 */
import type { ToursContext } from '../../context.js';
import { runEscalation } from './escalation.js';
import { runLastOwner } from './last-owner.js';
import { runPermissionMaps } from './permission-map.js';
import { runShadowing } from './shadowing.js';
import { runSingleKeyRoles } from './single-key.js';
import { runRoleLists, runSystemRoles } from './system-roles.js';

export async function runPermissions(ctx: ToursContext): Promise<void> {
  await runPermissionMaps(ctx);
  await runRoleLists(ctx);
  await runSingleKeyRoles(ctx);
  await runShadowing(ctx);
  await runEscalation(ctx);
  await runSystemRoles(ctx);
  await runLastOwner(ctx);
}
