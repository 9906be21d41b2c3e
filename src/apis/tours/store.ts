/**
 * The in-memory state of the Tours & Events domain, indexed for every lookup a request makes:
 * by id; users by lower-cased email; members by organization and by user (one membership per user,
 * TM1); roles by organization and by organization + name (TR4); invitations by organization and by
 * token hash; sessions by token hash; API keys by hash and by user.
 *
 * Records are frozen and replaced, never edited. Writes are all-or-nothing: `write(fn)` runs a
 * change, and if anything inside it throws (a broken unique index included) every write it made is
 * undone before the error leaves. A snapshot is the records in creation order; building a store from
 * one checks its shape, its uniqueness rules and its references, and throws a ToursStateError naming
 * the first problem.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { CONTROL_SPEC_ID, outboxCapacity, pushCapped, snapshotValidator } from '../../engine/state-limits.js';
import { toursSpec } from './spec.js';
import {
  TOURS_SNAPSHOT_FORMAT,
  TOURS_SNAPSHOT_VERSION,
  frozen,
  type ApiKeyRecord,
  type InvitationEmailRecord,
  type InvitationRecord,
  type MemberRecord,
  type OrganizationRecord,
  type RoleRecord,
  type SessionRecord,
  type ToursSnapshot,
  type UserRecord,
} from './records.js';

/** A snapshot that cannot be loaded, or a write that would break the store's rules. */
export class ToursStateError extends Error {
  override readonly name = 'ToursStateError';
}

export const emailKey = (email: string): string => email.toLowerCase();

/**
 * How many live sessions one user keeps: a sign-in past this ends the user's oldest session (its
 * cookie is then a 401, as after sign-out). Bounds the state however often a user signs in.
 */
export const SESSIONS_PER_USER = 1000;
const pair = (a: string, b: string): string => `${a}\u0000${b}`;

type Journal = { undo: (() => void)[] | null };
type KeyOf<T> = (record: T) => string | null;

/** One collection: records by id in creation order, with unique and grouping indexes kept in step. */
class Table<T extends { readonly id: string }> {
  private readonly rows = new Map<string, T>();
  private readonly unique = new Map<string, Map<string, string>>();
  private readonly groups = new Map<string, Map<string, Set<string>>>();
  /** Bumped on every change (undone ones too): a reader's cache of this table is good while it holds. */
  revision = 0;

  constructor(
    readonly name: string,
    private readonly journal: Journal,
    private readonly uniqueKeys: Readonly<Record<string, KeyOf<T>>>,
    private readonly groupKeys: Readonly<Record<string, KeyOf<T>>>,
  ) {
    for (const index of Object.keys(uniqueKeys)) this.unique.set(index, new Map());
    for (const index of Object.keys(groupKeys)) this.groups.set(index, new Map());
  }

  get size(): number {
    return this.rows.size;
  }

  get(id: string): T | undefined {
    return this.rows.get(id);
  }

  /** The record whose unique key `index` is `key`. */
  by(index: string, key: string): T | undefined {
    const id = this.unique.get(index)?.get(key);
    return id === undefined ? undefined : this.rows.get(id);
  }

  /** The records whose grouping key `index` is `key`, in insertion order. */
  group(index: string, key: string): T[] {
    const ids = this.groups.get(index)?.get(key);
    return ids ? [...ids].map((id) => this.rows.get(id) as T) : [];
  }

  all(): T[] {
    return [...this.rows.values()];
  }

  /** The records in creation order, without a copy (a removal while iterating is safe). */
  values(): IterableIterator<T> {
    return this.rows.values();
  }

  insert(record: T): void {
    if (this.rows.has(record.id)) throw new ToursStateError(`${this.name}: id ${record.id} is used twice`);
    this.checkUnique(record, null);
    this.attach(frozen(record));
    this.journal.undo?.push(() => this.detach(record.id));
  }

  replace(record: T): void {
    const old = this.rows.get(record.id);
    if (!old) throw new ToursStateError(`${this.name}: no record ${record.id} to replace`);
    this.checkUnique(record, record.id);
    this.swap(old, frozen(record));
    this.journal.undo?.push(() => this.swap(record, old));
  }

  remove(id: string): void {
    const old = this.rows.get(id);
    if (!old) return;
    this.keepOrder();
    this.detach(id);
    this.journal.undo?.push(() => this.attach(old));
  }

  /** The change this table's order was last saved for: a rollback after a removal puts records back in their place. */
  private orderSavedFor: unknown = null;

  private keepOrder(): void {
    const undo = this.journal.undo;
    if (!undo || this.orderSavedFor === undo) return;
    this.orderSavedFor = undo;
    const order = [...this.rows.keys()];
    // Pushed before this change's own undo steps, so it runs after them.
    undo.push(() => this.reorder(order));
  }

  private reorder(order: readonly string[]): void {
    const records = order.map((id) => this.rows.get(id)).filter((r): r is T => r !== undefined);
    for (const record of records) this.detach(record.id);
    for (const record of records) this.attach(record);
  }

  /** Replaces a record in place: its position in creation order and in its groups is kept. */
  private swap(old: T, record: T): void {
    this.revision++;
    this.rows.set(record.id, record);
    for (const [index, keyOf] of Object.entries(this.uniqueKeys)) {
      const [before, after] = [keyOf(old), keyOf(record)];
      if (before === after) continue;
      if (before !== null) this.unique.get(index)?.delete(before);
      if (after !== null) this.unique.get(index)?.set(after, record.id);
    }
    for (const [index, keyOf] of Object.entries(this.groupKeys)) {
      const [before, after] = [keyOf(old), keyOf(record)];
      if (before === after) continue;
      const groups = this.groups.get(index) as Map<string, Set<string>>;
      if (before !== null) {
        groups.get(before)?.delete(record.id);
        if (groups.get(before)?.size === 0) groups.delete(before);
      }
      if (after !== null) {
        let ids = groups.get(after);
        if (!ids) groups.set(after, (ids = new Set()));
        ids.add(record.id);
      }
    }
  }

  private checkUnique(record: T, self: string | null): void {
    for (const [index, keyOf] of Object.entries(this.uniqueKeys)) {
      const key = keyOf(record);
      if (key === null) continue;
      const holder = this.unique.get(index)?.get(key);
      if (holder !== undefined && holder !== self) throw new ToursStateError(`${this.name}: ${index} ${JSON.stringify(key)} is used twice`);
    }
  }

  private attach(record: T): void {
    this.revision++;
    this.rows.set(record.id, record);
    for (const [index, keyOf] of Object.entries(this.uniqueKeys)) {
      const key = keyOf(record);
      if (key !== null) this.unique.get(index)?.set(key, record.id);
    }
    for (const [index, keyOf] of Object.entries(this.groupKeys)) {
      const key = keyOf(record);
      if (key === null) continue;
      const groups = this.groups.get(index) as Map<string, Set<string>>;
      let ids = groups.get(key);
      if (!ids) groups.set(key, (ids = new Set()));
      ids.add(record.id);
    }
  }

  private detach(id: string): void {
    this.revision++;
    const record = this.rows.get(id);
    if (!record) return;
    this.rows.delete(id);
    for (const [index, keyOf] of Object.entries(this.uniqueKeys)) {
      const key = keyOf(record);
      if (key !== null) this.unique.get(index)?.delete(key);
    }
    for (const [index, keyOf] of Object.entries(this.groupKeys)) {
      const key = keyOf(record);
      if (key === null) continue;
      const groups = this.groups.get(index) as Map<string, Set<string>>;
      const ids = groups.get(key);
      ids?.delete(id);
      if (ids?.size === 0) groups.delete(key);
    }
  }
}

export class ToursStore {
  private readonly journal: Journal = { undo: null };
  readonly users = new Table<UserRecord>('users', this.journal, { email: (u) => emailKey(u.email) }, {});
  readonly organizations = new Table<OrganizationRecord>('organizations', this.journal, {}, {});
  /** `user` is unique: a user belongs to one organization at most (TM1). */
  readonly members = new Table<MemberRecord>('members', this.journal, { user: (m) => m.userId }, { organization: (m) => m.organizationId });
  /** `name` is unique within an organization (TR4). */
  readonly roles = new Table<RoleRecord>('roles', this.journal, { name: (r) => pair(r.organizationId, r.name) }, { organization: (r) => r.organizationId });
  readonly invitations = new Table<InvitationRecord>('invitations', this.journal, { token: (i) => i.tokenHash }, { organization: (i) => i.organizationId });
  readonly sessions = new Table<SessionRecord>('sessions', this.journal, { token: (s) => s.tokenHash }, { user: (s) => s.userId });
  readonly apiKeys = new Table<ApiKeyRecord>('apiKeys', this.journal, { hash: (k) => k.keyHash }, { user: (k) => k.userId });
  private readonly emails: InvitationEmailRecord[] = [];
  /** Token hashes of the seeded principals' sessions: what /__mock/principals hands out, never pushed out by the cap. */
  private readonly pinnedSessions = new Set<string>();

  /** An empty store, or the state of a snapshot (checked: see parseToursSnapshot and the reference checks here). */
  constructor(snapshot?: ToursSnapshot) {
    if (!snapshot) return;
    const parsed = parseToursSnapshot(snapshot);
    const at = (table: string, i: number, why: string): never => {
      throw new ToursStateError(`Invalid Tours state snapshot: ${table}[${i}]: ${why}`);
    };
    const load = <T extends { id: string }>(table: Table<T>, rows: readonly T[], check: (row: T, i: number) => void): void =>
      rows.forEach((row, i) => {
        check(row, i);
        try {
          table.insert({ ...row });
        } catch (error) {
          at(table.name, i, (error as Error).message.replace(/^\w+: /, ''));
        }
      });
    const needUser = (table: string, i: number, id: string, field: string): void => void (this.users.get(id) ?? at(table, i, `${field} ${id} names no user`));
    const needOrg = (table: string, i: number, id: string): void =>
      void (this.organizations.get(id) ?? at(table, i, `organizationId ${id} names no organization`));
    load(this.users, parsed.users, () => undefined);
    load(this.organizations, parsed.organizations, () => undefined);
    load(this.roles, parsed.roles, (r, i) => needOrg('roles', i, r.organizationId));
    load(this.members, parsed.members, (m, i) => {
      needUser('members', i, m.userId, 'userId');
      needOrg('members', i, m.organizationId);
    });
    load(this.invitations, parsed.invitations, (inv, i) => {
      needOrg('invitations', i, inv.organizationId);
      needUser('invitations', i, inv.inviterId, 'inviterId');
    });
    load(this.sessions, parsed.sessions, (s, i) => needUser('sessions', i, s.userId, 'userId'));
    // An ended session is refused like an unknown one: a state of an older version that kept them loads
    // without them (dropped after the checks, so that a problem names its row of the file).
    for (const session of parsed.sessions) if (session.ended) this.sessions.remove(session.id);
    load(this.apiKeys, parsed.apiKeys, (k, i) => needUser('apiKeys', i, k.userId, 'userId'));
    const emailIds = new Set<string>();
    parsed.outbox.forEach((email, i) => {
      if (emailIds.has(email.id)) at('outbox', i, `id ${email.id} is used twice`);
      emailIds.add(email.id);
      pushCapped(this.emails, frozen({ ...email }), outboxCapacity());
    });
  }

  /**
   * Runs a change all-or-nothing: if `change` throws, every write it made is undone and the error
   * rethrown. Nested calls join the outer change.
   */
  write<T>(change: () => T): T {
    if (this.journal.undo !== null) return change();
    const undo: (() => void)[] = [];
    this.journal.undo = undo;
    try {
      return change();
    } catch (error) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
      throw error;
    } finally {
      this.journal.undo = null;
    }
  }

  // ---- reads --------------------------------------------------------------------------------

  userByEmail(email: string): UserRecord | undefined {
    return this.users.by('email', emailKey(email));
  }

  /** The user's membership, if any (one at most, TM1). */
  memberOfUser(userId: string): MemberRecord | undefined {
    return this.members.by('user', userId);
  }

  membersOf(organizationId: string): MemberRecord[] {
    return this.members.group('organization', organizationId);
  }

  /** The organization's own role of that name (TR4), if any. */
  roleByName(organizationId: string, name: string): RoleRecord | undefined {
    return this.roles.by('name', pair(organizationId, name));
  }

  rolesOf(organizationId: string): RoleRecord[] {
    return this.roles.group('organization', organizationId);
  }

  invitationsOf(organizationId: string): InvitationRecord[] {
    return this.invitations.group('organization', organizationId);
  }

  invitationByTokenHash(hash: string): InvitationRecord | undefined {
    return this.invitations.by('token', hash);
  }

  sessionByTokenHash(hash: string): SessionRecord | undefined {
    return this.sessions.by('token', hash);
  }

  apiKeyByHash(hash: string): ApiKeyRecord | undefined {
    return this.apiKeys.by('hash', hash);
  }

  apiKeysOf(userId: string): ApiKeyRecord[] {
    return this.apiKeys.group('user', userId);
  }

  outbox(): readonly InvitationEmailRecord[] {
    return this.emails.slice();
  }

  // ---- writes that span tables -----------------------------------------------------------------

  /** Adds an email to the outbox, which keeps the outboxCapacity() most recent (openapi/mock-control.yaml). */
  sendEmail(email: InvitationEmailRecord): void {
    const dropped = pushCapped(this.emails, frozen({ ...email }), outboxCapacity());
    this.journal.undo?.push(() => {
      this.emails.pop();
      this.emails.unshift(...dropped);
    });
  }

  /** Expired sessions are dropped at the first sign-in after load (the store has no clock before). */
  private sweptSessions = false;

  /**
   * Drops dead sessions before a sign-in of `userId` (TA2, TA3: an ended or expired session is refused
   * like an unknown one): every expired one at the first sign-in after load, then those at the front
   * of the creation order (all live 7 days, so the oldest expire first); and the user's oldest past
   * SESSIONS_PER_USER - 1, so that with the new one they keep at most SESSIONS_PER_USER, besides
   * their seeded session (pinned: a test that took it from /__mock/principals keeps it however often
   * the user signs in; it still ends with sign-out or expiry).
   */
  pruneSessions(nowMs: number, userId: string): void {
    const dead = (session: SessionRecord): boolean => session.ended || Date.parse(session.expiresAt) <= nowMs;
    if (!this.sweptSessions) {
      this.sweptSessions = true;
      for (const session of this.sessions.all()) if (dead(session)) this.sessions.remove(session.id);
    } else {
      for (const session of this.sessions.values()) {
        if (!dead(session)) break;
        this.sessions.remove(session.id);
      }
    }
    const own = this.sessions.group('user', userId).filter((session) => !this.pinnedSessions.has(session.tokenHash));
    for (const session of own.slice(0, Math.max(0, own.length - (SESSIONS_PER_USER - 1)))) this.sessions.remove(session.id);
  }

  /** Keeps these sessions (by token hash) out of the per-user cap: the seeded principals'. */
  pinSessions(tokenHashes: Iterable<string>): void {
    for (const hash of tokenHashes) this.pinnedSessions.add(hash);
  }

  /** The whole state as plain JSON (records are frozen and shared, not copied). */
  snapshot(): ToursSnapshot {
    return Object.freeze({
      format: TOURS_SNAPSHOT_FORMAT,
      version: TOURS_SNAPSHOT_VERSION,
      users: this.users.all(),
      organizations: this.organizations.all(),
      members: this.members.all(),
      roles: this.roles.all(),
      invitations: this.invitations.all(),
      sessions: this.sessions.all(),
      apiKeys: this.apiKeys.all(),
      outbox: this.emails.slice(),
    });
  }
}

// ---- snapshot shape ---------------------------------------------------------------------------

const TIMESTAMP = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' } as const;
const NULLABLE_TIMESTAMP = { anyOf: [TIMESTAMP, { type: 'null' }] } as const;
const ID = { type: 'string', minLength: 1, maxLength: 128 } as const;
const HASH = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const SPEC_ID = 'urn:org-contract:state:tours';
/** A schema of openapi/tours-organizations.yaml: a stored field is checked by the schema the API checks it with. */
const api = (pointer: string) => ({ $ref: `${SPEC_ID}#/components/schemas/${pointer}` });
const EMAIL = { allOf: [api('Email'), { pattern: '^[^@\\s]+@[^@\\s]+$' }] } as const;
const record = (properties: Record<string, unknown>) => ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties });
const list = (items: unknown) => ({ type: 'array', items });

const SNAPSHOT_SCHEMA = record({
  format: { const: TOURS_SNAPSHOT_FORMAT },
  version: { const: TOURS_SNAPSHOT_VERSION },
  users: list(
    record({
      id: ID,
      email: EMAIL,
      name: api('SessionUser/properties/name'),
      passwordHash: { type: 'string', pattern: '^sha256\\$[^$]+\\$[A-Za-z0-9_-]{43}$' },
      isSuperAdmin: { type: 'boolean' },
      createdAt: TIMESTAMP,
    }),
  ),
  // Stored as the API shows it (TO1).
  organizations: list({
    allOf: [api('Organization'), record({ id: ID, name: {}, slug: {}, logo: {}, timezone: {}, createdAt: TIMESTAMP, updatedAt: TIMESTAMP })],
  }),
  members: list(
    record({
      id: ID,
      userId: ID,
      organizationId: ID,
      role: api('RoleName'),
      status: api('Member/properties/status'),
      createdAt: TIMESTAMP,
    }),
  ),
  roles: list(
    record({
      id: ID,
      organizationId: ID,
      name: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,31}$' },
      description: api('Role/properties/description'),
      permissions: { type: 'array', uniqueItems: true, items: { type: 'string' } },
      createdAt: TIMESTAMP,
    }),
  ),
  invitations: list(
    record({
      id: ID,
      organizationId: ID,
      email: EMAIL,
      role: api('RoleName'),
      status: { enum: ['pending', 'accepted', 'revoked'] },
      inviterId: ID,
      tokenHash: HASH,
      expiresAt: TIMESTAMP,
      createdAt: TIMESTAMP,
      acceptedAt: NULLABLE_TIMESTAMP,
      revokedAt: NULLABLE_TIMESTAMP,
    }),
  ),
  sessions: list(record({ id: ID, tokenHash: HASH, userId: ID, createdAt: TIMESTAMP, expiresAt: TIMESTAMP, ended: { type: 'boolean' } })),
  apiKeys: list(
    record({
      id: ID,
      userId: ID,
      name: api('ApiKey/properties/name'),
      keyHash: HASH,
      keyPrefix: api('ApiKey/properties/keyPrefix'),
      status: api('ApiKeyStatus'),
      createdAt: TIMESTAMP,
      lastUsedAt: NULLABLE_TIMESTAMP,
      expiresAt: NULLABLE_TIMESTAMP,
    }),
  ),
  // As the control plane lists it (InvitationEmail of openapi/mock-control.yaml).
  outbox: list({ $ref: `${CONTROL_SPEC_ID}#/components/schemas/InvitationEmail` }),
});

let validateShape: ValidateFunction | undefined;

/** The snapshot, typed, or a ToursStateError naming the first problem of its shape. */
export function parseToursSnapshot(raw: unknown): ToursSnapshot {
  validateShape ??= snapshotValidator(SNAPSHOT_SCHEMA, SPEC_ID, toursSpec().document);
  if (!validateShape(raw)) {
    const first = validateShape.errors?.[0];
    const where = first ? `${first.instancePath || '(root)'} ${first.message ?? first.keyword}` : 'unknown problem';
    throw new ToursStateError(`Invalid Tours state snapshot: ${where} (format "${TOURS_SNAPSHOT_FORMAT}", version ${TOURS_SNAPSHOT_VERSION})`);
  }
  return raw as ToursSnapshot;
}
