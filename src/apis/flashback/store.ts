/**
 * The in-memory state of the mock: organizations, users, refresh tokens and the outbox.
 *
 * Built for 100,000 users: every lookup a request needs is a Map access (by id, by lower-cased
 * email over all users, soft-deleted included); the only O(n) work is the user list itself, whose
 * views and serialised body are built on first use and then kept up to date (list-body.ts).
 *
 * Records are frozen and replaced, never edited, so an export shares them safely and a reader
 * holding one never sees it change. Writes are all-or-nothing: callers validate a request fully
 * before calling a mutator, and every mutator checks its own preconditions before it writes.
 */
import { roleName, ROLE_VALUES, rolesUpTo, ROLES, type RoleValue } from '../../contract/index.js';
import { withJson } from '../../engine/json-body.js';
import { ListBodyCache } from '../../engine/list-body.js';
import { StateImportError } from '../../engine/api.js';
import { outboxCapacity, pushCapped } from '../../engine/state-limits.js';
import {
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  type Organization,
  type OutboxEmail,
  type OrgUser,
  type RefreshTokenRecord,
  type StateSnapshot,
  type UserRecord,
} from './records.js';

/** The fields of a user that may change (a user's id, email, organization and password never do). */
export type UserChanges = { -readonly [K in 'name' | 'lastName' | 'orgRole' | 'validated' | 'deletedAt' | 'tokenEpoch']?: UserRecord[K] };
export type OrganizationChanges = Partial<Omit<Organization, 'id' | 'domain' | 'reposDisabled' | 'deletedAt'>>;

/**
 * How many live refresh tokens one user keeps: a login past this drops the user's oldest one (its
 * refresh is then a 401, as for a revoked token). Bounds the state however often a user logs in.
 */
export const REFRESH_TOKENS_PER_USER = 1000;

/**
 * The epoch after `epoch` (U6): a new value, so every access token of the old one stops working.
 * Past the largest safe integer it starts again at 0 (an epoch no access token alive can still carry
 * unless a hand-made state jumped there within one token lifetime), so a deletion never makes a
 * state the loader refuses.
 */
export function nextTokenEpoch(epoch: number): number {
  return epoch < Number.MAX_SAFE_INTEGER ? epoch + 1 : 0;
}

/** The key of the case-insensitive email index (U3, A3). */
export function emailKey(email: string): string {
  return email.toLowerCase();
}

/** U1's 200 body: `{success: true, data, total}` (UserListEnvelope of openapi/organization.yaml). */
export interface OrgUserList {
  readonly success: true;
  readonly data: readonly OrgUser[];
  readonly total: number;
}

/** The list of one organization: the users' views, index-aligned with its user ids, and its body. */
interface OrgList {
  readonly views: OrgUser[];
  readonly body: ListBodyCache;
  /** The 200 body of the list as it is now, with its bytes; null once a user of the list changed. */
  envelope: OrgUserList | null;
}

export class MockStore {
  private readonly organizations = new Map<string, Organization>();
  /** Every user by id, in creation order (a Map keeps insertion order, also across `set` of a known key). */
  private readonly users = new Map<string, UserRecord>();
  private readonly userIdsByOrg = new Map<string, string[]>();
  private readonly userIdByEmail = new Map<string, string>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  /** Each user's live refresh tokens, oldest first. */
  private readonly refreshTokenIdsByUser = new Map<string, Set<string>>();
  /** Expired refresh tokens of every user are dropped at the first issue after load (the store has no clock before). */
  private sweptExpired = false;
  private readonly emails: OutboxEmail[] = [];
  /** The API view of each user, made on first use and dropped when the user changes. */
  private readonly orgUserCache = new Map<string, OrgUser>();
  private readonly orgLists = new Map<string, OrgList>();
  /** A user's index in its organization's user ids (and list). */
  private readonly orgPosition = new Map<string, number>();

  /** Builds the indexes of a snapshot; throws StateImportError on duplicate ids or emails and dangling references. */
  constructor(snapshot: StateSnapshot) {
    for (const [i, org] of snapshot.organizations.entries()) {
      if (this.organizations.has(org.id)) throw new StateImportError(`organizations[${i}].id ${org.id} is used twice`);
      this.organizations.set(org.id, frozen(org));
      this.userIdsByOrg.set(org.id, []);
    }
    for (const [i, user] of snapshot.users.entries()) {
      const problem = this.insertProblem(user);
      if (problem) throw new StateImportError(`users[${i}]: ${problem}`);
      this.insertUser(frozen(user));
    }
    const seen = new Set<string>();
    for (const [i, token] of snapshot.refreshTokens.entries()) {
      if (seen.has(token.id)) throw new StateImportError(`refreshTokens[${i}].id ${token.id} is used twice`);
      seen.add(token.id);
      if (!this.users.has(token.userId)) throw new StateImportError(`refreshTokens[${i}].userId ${token.userId} names no user`);
      // A revoked token is refused like an unknown one: a state of an older version that kept them loads without them.
      if (!token.revoked) this.insertRefreshToken(frozen(token));
    }
    for (const email of snapshot.outbox) pushCapped(this.emails, frozen(email), outboxCapacity());
  }

  // ---- reads -------------------------------------------------------------------------------

  organization(id: string): Organization | undefined {
    return this.organizations.get(id);
  }

  user(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  userByEmail(email: string): UserRecord | undefined {
    const id = this.userIdByEmail.get(emailKey(email));
    return id === undefined ? undefined : this.users.get(id);
  }

  /** The API's view of a user (R2, R3), cached until the user changes. Frozen: share it, never edit it. */
  orgUser(user: UserRecord): OrgUser {
    let view = this.orgUserCache.get(user.id);
    if (!view) {
      view = toOrgUser(user);
      this.orgUserCache.set(user.id, view);
    }
    return view;
  }

  /**
   * U1's 200 body: every user of the organization, soft-deleted included, oldest first, with its
   * bytes (exactly what JSON.stringify of the envelope gives) registered for the engine to send. One
   * frozen body per state of the list, kept until a user of the organization changes: a listing
   * copies no array and serialises nothing; after a change, one array copy (not 100,000 new objects)
   * and the re-encoding of the changed chunk only (list-body.ts).
   */
  orgUsersList(orgId: string): OrgUserList {
    const list = this.orgList(orgId);
    if (list.envelope) return list.envelope;
    const data = Object.freeze(list.views.slice());
    const envelope: OrgUserList = Object.freeze({ success: true, data, total: data.length });
    list.envelope = withJson(envelope, list.body.bytes(list.views));
    return envelope;
  }

  refreshToken(id: string): RefreshTokenRecord | undefined {
    return this.refreshTokens.get(id);
  }

  outbox(): readonly OutboxEmail[] {
    return this.emails.slice();
  }

  // ---- writes ------------------------------------------------------------------------------

  /** Why this user cannot be added, or null. */
  insertProblem(user: UserRecord): string | null {
    if (this.users.has(user.id)) return `id ${user.id} is used twice`;
    if (this.userIdByEmail.has(emailKey(user.email))) return `email ${user.email} is used twice (emails are unique in any letter case)`;
    if (user.orgId !== null && !this.organizations.has(user.orgId)) return `orgId ${user.orgId} names no organization`;
    if ((user.orgId === null) !== (user.orgRole === null)) return 'orgId and orgRole must be both null or both set';
    return null;
  }

  addUser(user: UserRecord): void {
    const problem = this.insertProblem(user);
    if (problem) throw new Error(`Cannot add user: ${problem}`);
    this.insertUser(Object.freeze({ ...user }));
  }

  updateUser(id: string, changes: UserChanges): UserRecord {
    const current = this.users.get(id);
    if (!current) throw new Error(`Cannot update user ${id}: no such user`);
    if (changes.orgRole !== undefined && (changes.orgRole === null) !== (current.orgId === null)) {
      throw new Error(`Cannot update user ${id}: orgRole must be set exactly when the user has an organization`);
    }
    const next: UserRecord = Object.freeze({ ...current, ...changes });
    this.users.set(id, next);
    this.refreshView(next);
    return next;
  }

  /**
   * U6: marks the user deleted, ends their access tokens (new epoch) and revokes their refresh tokens
   * for good: they are dropped, and a login that was signing meanwhile cannot store one (issueRefreshToken
   * checks the epoch), so activating the user (U7) brings none back.
   */
  softDeleteUser(id: string, at: string): UserRecord {
    const current = this.users.get(id);
    if (!current) throw new Error(`Cannot delete user ${id}: no such user`);
    const next = this.updateUser(id, { deletedAt: at, tokenEpoch: nextTokenEpoch(current.tokenEpoch) });
    for (const tokenId of [...(this.refreshTokenIdsByUser.get(id) ?? [])]) this.revokeRefreshToken(tokenId);
    return next;
  }

  updateOrganization(id: string, changes: OrganizationChanges): Organization {
    const current = this.organizations.get(id);
    if (!current) throw new Error(`Cannot update organization ${id}: no such organization`);
    const next: Organization = Object.freeze({ ...current, ...changes });
    this.organizations.set(id, next);
    return next;
  }

  /**
   * Stores a refresh token signed for the user as they were at `epoch`, unless the user has been
   * deleted or their tokens ended (a new epoch) while it was being signed: then nothing is stored and
   * the answer is false (the token must not be handed out). Drops the user's expired tokens first and,
   * past REFRESH_TOKENS_PER_USER, their oldest.
   */
  issueRefreshToken(token: RefreshTokenRecord, epoch: number, nowMs: number): boolean {
    if (this.refreshTokens.has(token.id)) throw new Error(`Refresh token ${token.id} exists already`);
    const user = this.users.get(token.userId);
    if (!user || user.deletedAt !== null || user.tokenEpoch !== epoch) return false;
    this.dropExpired(nowMs);
    this.insertRefreshToken(Object.freeze({ ...token, revoked: false }));
    const ids = this.refreshTokenIdsByUser.get(token.userId) as Set<string>;
    for (const id of ids) {
      if (ids.size <= REFRESH_TOKENS_PER_USER) break;
      this.revokeRefreshToken(id);
    }
    return true;
  }

  /** Revokes a refresh token by dropping it (a revoked and an unknown token are refused alike, A4). True when it was live. */
  revokeRefreshToken(id: string): boolean {
    const token = this.refreshTokens.get(id);
    if (!token) return false;
    this.refreshTokens.delete(id);
    const ids = this.refreshTokenIdsByUser.get(token.userId);
    ids?.delete(id);
    if (ids?.size === 0) this.refreshTokenIdsByUser.delete(token.userId);
    return true;
  }

  /** Adds an email to the outbox, which keeps the outboxCapacity() most recent (openapi/mock-control.yaml). */
  addEmail(email: OutboxEmail): void {
    pushCapped(this.emails, Object.freeze({ ...email }), outboxCapacity());
  }

  /** The whole state as plain JSON: new arrays of the (frozen, never edited) records, so later changes do not show through. */
  snapshot(): StateSnapshot {
    return {
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      organizations: [...this.organizations.values()],
      users: [...this.users.values()],
      refreshTokens: [...this.refreshTokens.values()],
      outbox: this.emails.slice(),
    };
  }

  // ---- internals ---------------------------------------------------------------------------

  private orgList(orgId: string): OrgList {
    let list = this.orgLists.get(orgId);
    if (!list) {
      const ids = this.userIdsByOrg.get(orgId) ?? [];
      list = { views: ids.map((id) => this.orgUser(this.users.get(id) as UserRecord)), body: new ListBodyCache(), envelope: null };
      this.orgLists.set(orgId, list);
    }
    return list;
  }

  private insertUser(user: UserRecord): void {
    this.users.set(user.id, user);
    this.userIdByEmail.set(emailKey(user.email), user.id);
    if (user.orgId === null) return;
    const ids = this.userIdsByOrg.get(user.orgId) as string[];
    this.orgPosition.set(user.id, ids.length);
    ids.push(user.id);
    const list = this.orgLists.get(user.orgId);
    if (!list) return;
    list.views.push(this.orgUser(user));
    list.body.appended(list.views.length - 1);
    list.envelope = null;
  }

  private insertRefreshToken(token: RefreshTokenRecord): void {
    this.refreshTokens.set(token.id, token);
    let ids = this.refreshTokenIdsByUser.get(token.userId);
    if (!ids) this.refreshTokenIdsByUser.set(token.userId, (ids = new Set()));
    ids.add(token.id);
  }

  /** Drops expired refresh tokens: all of them at the first issue after load, then those at the front of the issue order. */
  private dropExpired(nowMs: number): void {
    const now = new Date(nowMs).toISOString();
    if (!this.sweptExpired) {
      this.sweptExpired = true;
      for (const token of [...this.refreshTokens.values()]) if (token.expiresAt <= now) this.revokeRefreshToken(token.id);
      return;
    }
    // Refresh tokens all live as long, so the oldest expire first: look at the front of the store's order.
    for (const token of this.refreshTokens.values()) {
      if (token.expiresAt > now) break;
      this.revokeRefreshToken(token.id);
    }
  }

  /** Drops the user's stale view and puts the fresh one in its organization's list, if that list is built. */
  private refreshView(user: UserRecord): void {
    this.orgUserCache.delete(user.id);
    if (user.orgId === null) return;
    const list = this.orgLists.get(user.orgId);
    const position = this.orgPosition.get(user.id);
    if (!list || position === undefined) return;
    list.views[position] = this.orgUser(user);
    list.body.replaced(position);
    list.envelope = null;
  }
}

/** The record itself when it is frozen already (shared safely, e.g. the seed kept for reset), else a frozen copy. */
function frozen<T extends object>(record: T): T {
  return Object.isFrozen(record) ? record : Object.freeze({ ...record });
}

/** R3, one frozen array per role, shared by every user view of that role. */
const ORG_ROLES = new Map<RoleValue, readonly RoleValue[]>(ROLE_VALUES.map((value) => [value, Object.freeze(rolesUpTo(value))]));

/** R2, R3, E1: the API's user object, with no password, hash or token. Frozen, so it can be shared. */
export function toOrgUser(user: UserRecord): OrgUser {
  // Only members of an organization are ever shown (every user endpoint is scoped to the caller's
  // organization), and a member always has a role; USER stands in for the impossible null.
  const orgRole: RoleValue = user.orgRole ?? ROLES.USER;
  return Object.freeze({
    id: user.id,
    email: user.email,
    name: user.name,
    lastName: user.lastName,
    orgId: user.orgId,
    orgRole,
    validated: user.validated,
    deletedAt: user.deletedAt,
    orgRoleDescription: roleName(orgRole),
    orgRoles: ORG_ROLES.get(orgRole) as RoleValue[],
  });
}
