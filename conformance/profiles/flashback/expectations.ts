/**
 * The status and message the spec gives one call: an operation, a caller and what the call aims
 * at. Pure: it reads the operation's `x-access` rule, the role table (`mayGrant`, `mayManage`) and
 * the documented messages, and walks the order of checks of docs/decisions/flashback.md, section 3.
 *
 * Where the rules do not settle one exact answer it says so (`Undetermined`) instead of guessing;
 * the checks then aim the call at a target that makes the answer exact, or skip it.
 */
import { mayGrant, mayManage, roleName, type LoadedSpec, type OperationSpec, type RoleValue } from '../../../src/contract/index.js';
import type { Actor } from './principals/actors.js';
import { actionPhrase, componentMessage, documentsMessage, exampleMessage, OP, successStatus } from './operations.js';

export { because, byRule, type Because, type Expectation, type Expected } from '../../kernel/expected.js';
import type { Expectation, Expected } from '../../kernel/expected.js';
import type { FailureKind } from '../../kernel/failure.js';

export interface UserTarget {
  readonly id: string;
  readonly orgId: string | null;
  readonly role: RoleValue;
  readonly deleted: boolean;
}

/** What a call aims at, as far as the access rules care. */
export interface CallFacts {
  /** The organization id in the path of a `tenant.from: path` operation. */
  readonly pathOrgId?: string | null | undefined;
  /** The user an `x-access.target` operation names. */
  readonly user?: UserTarget | undefined;
  /** The (valid) `orgRole` the body carries, for R5 and R7. */
  readonly grant?: RoleValue | undefined;
}

/** The state rules of the user operations, with the example that documents each message. */
const STATE_RULES: Readonly<
  Record<string, { readonly when: (deleted: boolean) => boolean; readonly example: string; readonly rule: string; readonly says: string }>
> = {
  [OP.updateUser]: { when: (d) => d, example: 'deleted', rule: 'U5', says: 'a soft-deleted user cannot be updated' },
  [OP.deleteUser]: { when: (d) => d, example: 'alreadyDeleted', rule: 'U6', says: 'a user who is already deleted cannot be deleted again' },
  [OP.activateUser]: { when: (d) => !d, example: 'notDeleted', rule: 'U7', says: 'only a deleted user can be activated' },
};

export function expectedOutcome(spec: LoadedSpec, op: OperationSpec, actor: Actor, facts: CallFacts): Expectation {
  const access = op.access;
  if (!access.authenticated) throw new Error(`${op.operationId} needs no authentication; expectedOutcome is for the organization operations`);
  const action = actionPhrase(op);
  if (!actor.member) {
    return {
      status: 401,
      message: componentMessage(spec, 'Unauthorized'),
      kind: 'auth',
      rule: 'A2',
      reason: `${actor.description} must be refused with a 401 (A2)`,
    };
  }
  const { role, orgId, userId } = actor.member;
  const deny = (status: number, message: string, kind: FailureKind, rule: string, reason: string): Expected => ({
    status,
    message: documentsMessage(op, status) ? message : null,
    kind,
    rule,
    reason,
  });
  const gate = rankGate(op);
  const denied = access.denied?.message ?? '';
  const tenant = access.tenant;
  const foreignMessage = tenant?.message ?? denied;
  const tooLow = (r: RoleValue): Expected =>
    deny(403, denied, 'role', 'x-access.gate', `${roleName(r)} may not ${action} (x-access.gate.minRole: ${gate.role} or higher)`);

  if (tenant?.from === 'path') {
    if (!facts.pathOrgId) throw new Error(`${op.operationId} needs the organization id it aims at`);
    if (orgId !== facts.pathOrgId) {
      return orgId === null
        ? deny(403, foreignMessage, 'role', 'x-access.tenant', `a user with no organization may not ${action} (section 3)`)
        : deny(403, foreignMessage, 'tenant', 'x-access.tenant', `a member of another organization may not ${action} (x-access.tenant.from: path)`);
    }
    if (role === undefined) return { status: null, why: `the role of ${actor.name} is not known` };
    if (role === null || role < gate.rank) return tooLow(role ?? 0);
    return success(op, roleName(role));
  }

  if (orgId === null || role === null) {
    return deny(403, denied, 'role', 'U2', `a user with no organization may not ${action} (U2)`);
  }
  if (role === undefined) return { status: null, why: `the role of ${actor.name} is not known` };
  if (role < gate.rank) return tooLow(role);

  const user = facts.user;
  const targetRank = access.escalation.find((e) => e.check === 'targetRank');
  const grantedRank = access.escalation.find((e) => e.check === 'grantedRank');
  if (access.target) {
    if (!user) throw new Error(`${op.operationId} needs the user it aims at`);
    if (user.orgId !== orgId) {
      return deny(403, foreignMessage, 'tenant', 'x-access.target', `a member of another organization may not ${action} (x-access.target.owner: tenant)`);
    }
    const self = user.id === userId;
    if (self && op.operationId === OP.deleteUser) {
      return deny(400, exampleMessage(spec, op.operationId, 400, 'self'), 'business', 'R7', 'nobody can delete themselves (R7)');
    }
    if (self && op.operationId === OP.updateUser && facts.grant !== undefined) {
      return deny(400, exampleMessage(spec, op.operationId, 400, 'ownRole'), 'business', 'R7', 'nobody can change their own role, even to the same value (R7)');
    }
    if (self && op.operationId === OP.activateUser) {
      return { status: null, why: 'the spec does not say whether R6 or U7 answers a caller who activates themselves' };
    }
    if (!self && targetRank && !mayManage(role, user.role)) {
      return deny(
        403,
        targetRank.message,
        'business',
        targetRank.rule,
        `${roleName(role)} may not manage a ${roleName(user.role)} user (${targetRank.rule}: the target must rank strictly lower, OWNER excepted)`,
      );
    }
  }
  if (grantedRank && facts.grant !== undefined && !mayGrant(role, facts.grant)) {
    return deny(
      403,
      grantedRank.message,
      'business',
      grantedRank.rule,
      `${roleName(role)} may not grant ${roleName(facts.grant)} (${grantedRank.rule}: only a role strictly below one's own, OWNER excepted)`,
    );
  }
  const state = STATE_RULES[op.operationId];
  if (user && state?.when(user.deleted)) {
    return deny(400, exampleMessage(spec, op.operationId, 400, state.example), 'business', state.rule, `${state.says} (${state.rule})`);
  }
  // The rank rules that let the call through, named so that a refusal reads against them.
  const ranks = [
    access.target && user && user.id !== userId && targetRank ? `may manage a ${roleName(user.role)} user (${targetRank.rule})` : null,
    grantedRank && facts.grant !== undefined ? `may grant ${roleName(facts.grant)} (${grantedRank.rule})` : null,
  ].filter((r): r is string => r !== null);
  return success(op, roleName(role), ranks);
}

/**
 * A call the rules let through. Its kind applies to a 403 (a wrong role); assertions/outcome.ts
 * files other statuses received instead of the success by what they say.
 */
function success(op: OperationSpec, who: string, ranks: readonly string[] = []): Expected {
  const gate = op.access.gate;
  const min = gate?.kind === 'minRole' ? ` (x-access.gate.minRole: ${gate.role} or higher)` : '';
  return {
    status: successStatus(op),
    message: null,
    kind: 'role',
    rule: 'x-access.gate',
    reason: `${who} may ${actionPhrase(op)}${min}${ranks.map((r) => ` and ${r}`).join('')}`,
  };
}

/** The operation's ranked-role gate; the Flashback operations each have one (an operation without is open to every role). */
function rankGate(op: OperationSpec): { readonly role: string; readonly rank: number } {
  const gate = op.access.gate;
  if (gate === null) return { role: 'any role', rank: -Infinity };
  if (gate.kind !== 'minRole') throw new Error(`${op.operationId}: expectedOutcome knows ranked roles only, not a ${gate.kind} gate`);
  return gate;
}
