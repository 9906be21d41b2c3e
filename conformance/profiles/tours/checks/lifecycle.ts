/**
 * (6) Lifecycles: what the run makes goes from creation to removal, each step a case that skips when
 * the step before it failed. A session (TA2), an API key (TA6, TA4, TA5), the organization's values
 * and the platform's view of them (TO1, TO2), an invitation from the organization's side (TI1–TI3)
 * and from the recipient's (TI4), a membership from acceptance to removal (TM1–TM3) with an
 * organization role held along the way (TR4, TR6, TR8), and the dead tokens that lifecycle leaves.
 *
 * Runs late (groups.ts): it ends sessions, revokes and deletes keys, and removes orgless's
 * membership, which revokes every key orgless has, its given one included (lifecycle/members.ts).
 * Everything it makes is removed, and every value it changes restored, at the end of the run.
 */
import type { ToursContext } from '../context.js';
import { apiKeyLifecycle } from './lifecycle/api-keys.js';
import { deadTokensAlike, invitationLifecycle, type SpentTokens } from './lifecycle/invitations.js';
import { memberLifecycle } from './lifecycle/members.js';
import { organizationLifecycle } from './lifecycle/organization.js';
import { sessionLifecycle } from './lifecycle/sessions.js';

export async function runLifecycle(ctx: ToursContext): Promise<void> {
  const spent: SpentTokens = { replaced: null, revoked: null, used: null };
  await sessionLifecycle(ctx);
  await apiKeyLifecycle(ctx);
  await organizationLifecycle(ctx);
  await invitationLifecycle(ctx, spent);
  await memberLifecycle(ctx, spent);
  await deadTokensAlike(ctx, spent);
}
