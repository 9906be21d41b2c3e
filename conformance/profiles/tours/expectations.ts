/**
 * The status and message the Tours spec gives one call, walking the order of checks of
 * docs/decisions/tours.md, section 4, over the operation's `x-access` rule and the document's
 * `x-access-model`: (1) the credential, (2) session only, (4) membership, (5) the gate, (7) the
 * target; what is left is the operation's own answer, which the check states. Step 3 (the rate
 * limit) is never expected: the suite paces itself so that it is not reached (checks/rate-limits.ts
 * reaches it on purpose). Step 6 (the body's shape) is the check's to state: the calls here send
 * well-formed bodies. Pure: no request is sent.
 */
import type { AccessModel, OperationSpec } from '../../../src/contract/index.js';
import { byRule, type Expectation, type Expected } from '../../kernel/expected.js';
import type { SpecMessages } from '../../kernel/spec-messages.js';
import type { Actor } from './actors.js';
import { ORG_ROLES, type PrincipalSpec } from './principals.js';

/** What a call aims at, where the operation has an `x-access.target`. */
export type TargetFacts = 'present' | 'missing' | 'foreign';

export interface CallFacts {
  /** The record the path names: the caller's organization's (or the caller's own), none, or another organization's (another user's). */
  readonly target?: TargetFacts;
  /** The operation's own answer once every access step has passed (a business rule); default: its documented success. */
  readonly outcome?: Expected;
}

/** The permissions a principal holds (TR2, TR4: its organization's own role of that name shadows the system role). */
export function permissionsOf(model: AccessModel, spec: PrincipalSpec): ReadonlySet<string> {
  if (!spec.org || !spec.role) return new Set();
  const own = ORG_ROLES[spec.org][spec.role];
  if (own) return new Set(own);
  const system = model.roles.kind === 'system' ? model.roles.system.find((r) => r.name === spec.role) : undefined;
  return new Set(system?.permissions ?? []);
}

/** The one 2xx status an operation documents. */
export function successStatus(op: OperationSpec): number {
  const status = [...op.responses.keys()].find((s) => s >= 200 && s < 300);
  if (status === undefined) throw new Error(`${op.operationId} documents no 2xx response`);
  return status;
}

export function success(op: OperationSpec, rule = 'x-access'): Expected {
  return byRule('business', rule, `${op.operationId} is allowed here and answers its documented success`, successStatus(op));
}

export function expectedOutcome(model: AccessModel, messages: SpecMessages, op: OperationSpec, actor: Actor, facts: CallFacts = {}): Expectation {
  const access = op.access;
  const done = (): Expected => facts.outcome ?? success(op);
  if (access.credentials.length === 0) return targetStep() ?? done();

  // Step 1 (TA3): a credential the target must refuse, or none where one is required.
  if (actor.refusal !== null && !(actor.refusal === 'missing' && access.optional)) {
    const message = messages.component('Unauthorized', actor.refusal);
    return byRule('auth', 'TA3', `${actor.description} is refused with a 401 before anything else`, 401, message);
  }
  if (actor.kind === null) return done(); // an optional credential, none sent: the operation answers for no caller
  // Step 2 (TA5): a credential of a kind the operation does not take.
  if (!access.credentials.includes(actor.kind)) {
    const wrong = model.wrongCredential;
    if (!wrong)
      return byRule('auth', 'TA3', `${op.operationId} does not take ${actor.kind}: as if none were sent`, 401, messages.component('Unauthorized', 'missing'));
    return byRule('auth', 'TA5', `${op.operationId} needs a signed-in session, not an API key`, wrong.status, wrong.message);
  }
  const principal = actor.principal?.spec;
  if (!principal) return { status: null, why: `${actor.name} is no principal: the suite cannot tell what ${op.operationId} answers it` };
  // Step 4 (TM1): organization-scoped operations need an active membership.
  if (access.tenant?.from === 'caller' && model.membership) {
    if (!principal.org) return byRule('role', 'TM1', `${principal.description} has no organization`, 403, model.membership.none.message);
    if (principal.suspended && model.membership.suspended)
      return byRule('role', 'TM1', `${principal.description}: a suspended membership opens nothing`, 403, model.membership.suspended.message);
  }
  // Step 5 (TR2, TR3, TR4): the gate.
  const gate = access.gate;
  if (gate) {
    const refused = (why: string): Expected => byRule('role', gate.kind === 'platform' ? 'TR3' : 'TR2', why, 403, access.denied?.message ?? null);
    if (gate.kind === 'permission' && !permissionsOf(model, principal).has(gate.permission))
      return refused(`${principal.description} does not hold ${gate.permission}, which ${op.operationId} needs`);
    if (gate.kind === 'roles' && !(principal.role !== null && gate.roles.includes(principal.role)))
      return refused(`${op.operationId} is for the roles ${gate.roles.join(', ')}; ${principal.description} is not one`);
    if (gate.kind === 'platform' && !(gate.flag === 'isSuperAdmin' && principal.superAdmin))
      return refused(`${op.operationId} is for a user with the platform flag ${gate.flag}; ${principal.description} has none`);
    if (gate.kind === 'minRole') return { status: null, why: 'ranked roles are not part of this API' };
  }
  return targetStep() ?? done();

  // Step 7 (TO2, TM1, TA6, TI3): a missing target, or another organization's (another user's), is a 404.
  function targetStep(): Expected | null {
    const target = access.target;
    if (!target || !facts.target || facts.target === 'present') return null;
    const foreign = facts.target === 'foreign';
    const rule = target.owner === 'caller' ? 'TA6' : target.owner === 'any' ? 'TI3' : 'TM1';
    return byRule(
      foreign ? 'tenant' : 'business',
      rule,
      foreign
        ? `${op.operationId} on a record of another ${target.owner === 'caller' ? 'user' : 'organization'} is a 404, never a 403`
        : `${op.operationId} on a record that does not exist is a 404`,
      404,
      target.notFound,
    );
  }
}
