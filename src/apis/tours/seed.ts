/**
 * The seeded state of the Tours & Events mock (docs/decisions/tours.md, section 9): the principals
 * of fixtures/tours-principals.json, each with a live session and a live API key; an expired key, a
 * revoked key and a pending invitation in Acme (its token in the outbox); and `extraMembers`
 * generated members of Acme holding `member`.
 *
 * Pure and deterministic: tokens and keys are HMACs of the seed and a label, generated members come
 * from faker seeded with the seed, and times are the fixture's or derived from `now`; the same
 * fixture and settings give the same snapshot, byte for byte.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { faker } from '@faker-js/faker/locale/en';
import { projectPath, type AccessModel } from '../../contract/index.js';
import { DAY } from './clock.js';
import { API_KEY_PREFIX, KEY_PREFIX_LENGTH, SESSION_TTL_MS, hashPassword, sha256Hex } from './credentials.js';
import { INVITATION_TTL_MS, acceptUrl } from './operations/invitations.js';
import {
  TOURS_SNAPSHOT_FORMAT,
  TOURS_SNAPSHOT_VERSION,
  frozen,
  isoAt,
  type ApiKeyRecord,
  type InvitationEmailRecord,
  type InvitationRecord,
  type MemberRecord,
  type MemberStatus,
  type OrganizationRecord,
  type RoleRecord,
  type SessionRecord,
  type ToursSnapshot,
  type UserRecord,
} from './records.js';

export const TOURS_FIXTURE = 'fixtures/tours-principals.json';

export interface FixtureOrganization extends OrganizationRecord {
  readonly key: string;
}

export interface FixtureRole {
  readonly id: string;
  readonly organization: string;
  readonly name: string;
  readonly description: string | null;
  readonly permissions: readonly string[];
  readonly createdAt: string;
}

export interface FixturePrincipal {
  /** The handle: `acme-owner`, `orgless`, ... */
  readonly name: string;
  readonly userId: string;
  readonly email: string;
  readonly password: string;
  readonly userName: string;
  readonly isSuperAdmin: boolean;
  /** An organization's `key`, or null for none. */
  readonly organization: string | null;
  readonly memberId: string | null;
  readonly role: string | null;
  readonly status: MemberStatus | null;
  readonly createdAt: string;
}

export interface ToursFixture {
  readonly organizations: readonly FixtureOrganization[];
  readonly roles: readonly FixtureRole[];
  readonly principals: readonly FixturePrincipal[];
  readonly extraApiKeys: readonly { readonly label: 'expired' | 'revoked'; readonly owner: string; readonly name: string }[];
  readonly invitation: { readonly id: string; readonly organization: string; readonly email: string; readonly role: string; readonly inviter: string };
  readonly extraMembers: { readonly organization: string; readonly role: string; readonly password: string; readonly since: string };
}

export interface SeedSettings {
  readonly seed: number;
  /** Generated members of the fixture's `extraMembers.organization`, holding its `role`. */
  readonly extraMembers: number;
  /** Milliseconds since the epoch: sessions, keys and the invitation are made at this time. */
  readonly now: number;
  /** The key of the seeded credentials; absent: derived from the seed. */
  readonly signingKey?: string | undefined;
}

/** A seeded principal as the control plane lists it (`ToursPrincipal` of openapi/mock-control.yaml). */
export type ToursPrincipal = {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly orgId: string | null;
  readonly memberId: string | null;
  readonly role: string | null;
  readonly isSuperAdmin: boolean;
  readonly sessionToken: string;
  readonly apiKey: string;
};

export interface SeededCredentials {
  readonly principals: readonly ToursPrincipal[];
  readonly expiredApiKey: string;
  readonly revokedApiKey: string;
  readonly invitation: { readonly id: string; readonly email: string; readonly role: string; readonly token: string };
}

// ---- the fixture --------------------------------------------------------------------------------

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Reads and checks the fixture; a broken one fails here with a message naming the entry. */
export function loadToursFixture(file: string = projectPath(TOURS_FIXTURE), model?: AccessModel): ToursFixture {
  return checkToursFixture(JSON.parse(readFileSync(file, 'utf8')), file, model);
}

/** Checks the references of a fixture (and, given the model, its role names and permissions). */
export function checkToursFixture(raw: unknown, where = 'tours fixture', model?: AccessModel): ToursFixture {
  const fail = (why: string): never => {
    throw new Error(`${where}: ${why}`);
  };
  const root = raw as Partial<ToursFixture> | null;
  if (
    !root ||
    !Array.isArray(root.organizations) ||
    !Array.isArray(root.roles) ||
    !Array.isArray(root.principals) ||
    !Array.isArray(root.extraApiKeys) ||
    !root.invitation ||
    !root.extraMembers
  ) {
    return fail('needs "organizations", "roles", "principals", "extraApiKeys", "invitation" and "extraMembers"');
  }
  const fixture = root as ToursFixture;
  const orgs = new Set(fixture.organizations.map((o) => o.key));
  const names = new Set<string>();
  const systemNames = model?.roles.kind === 'system' ? model.roles.system.map((r) => r.name) : null;
  const catalogue = model ? new Set(model.permissions.map((p) => p.key)) : null;
  for (const org of fixture.organizations)
    if (!TIMESTAMP.test(org.createdAt) || !TIMESTAMP.test(org.updatedAt)) fail(`organization ${org.key}: timestamps need milliseconds and Z`);
  for (const role of fixture.roles) {
    if (!orgs.has(role.organization)) fail(`role ${role.name}: unknown organization ${role.organization}`);
    if (catalogue) for (const key of role.permissions) if (!catalogue.has(key)) fail(`role ${role.name}: "${key}" is not in the permission catalogue`);
  }
  const roleExists = (org: string, name: string): boolean =>
    (systemNames?.includes(name) ?? true) || fixture.roles.some((r) => r.organization === org && r.name === name);
  for (const p of fixture.principals) {
    if (names.has(p.name)) fail(`principal ${p.name} is listed twice`);
    names.add(p.name);
    for (const field of ['name', 'userId', 'email', 'password', 'userName'] as const)
      if (typeof p[field] !== 'string' || p[field] === '') fail(`principal ${p.name}: "${field}" must be a non-empty string`);
    if (!TIMESTAMP.test(p.createdAt)) fail(`principal ${p.name}: createdAt needs milliseconds and Z`);
    const inOrg = p.organization !== null;
    if ([p.memberId, p.role, p.status].some((v) => (v !== null) !== inOrg))
      fail(`principal ${p.name}: "organization", "memberId", "role" and "status" are all set or all null`);
    if (p.organization !== null) {
      if (!orgs.has(p.organization)) fail(`principal ${p.name}: unknown organization ${p.organization}`);
      if (p.role !== null && !roleExists(p.organization, p.role)) fail(`principal ${p.name}: no role "${p.role}" in ${p.organization}`);
    }
  }
  for (const key of fixture.extraApiKeys) if (!names.has(key.owner)) fail(`extraApiKeys ${key.label}: unknown owner ${key.owner}`);
  if (!orgs.has(fixture.invitation.organization) || !names.has(fixture.invitation.inviter)) fail('invitation: unknown organization or inviter');
  if (!orgs.has(fixture.extraMembers.organization)) fail('extraMembers: unknown organization');
  return fixture;
}

// ---- deterministic secrets --------------------------------------------------------------------------

/**
 * The HMAC key of the seeded credentials: the mock's signing key when it has one (`--signing-key`, or a
 * random one beyond the loopback), else one derived from the seed, so that the same seed gives the
 * same tokens and keys (tests, the conformance suite) but anyone who knows the seed can compute them.
 */
function secretOf(seed: number, signingKey: string | undefined): string {
  return signingKey ? `org-contract-tours-key:${signingKey}` : `org-contract-tours-seed:${seed}`;
}

/** 32 bytes derived from a secret and a label (HMAC-SHA256). */
function derive(secret: string, label: string): Buffer {
  return createHmac('sha256', secret).update(label).digest();
}

/** A version-4-shaped UUID derived from the seed and a label (an id, not a secret: always the seed's). */
function derivedId(seed: number, label: string): string {
  const hex = derive(secretOf(seed, undefined), `id:${label}`).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 17), 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const sessionToken = (secret: string, name: string): string => derive(secret, `session:${name}`).toString('base64url');
const apiKey = (secret: string, label: string): string => API_KEY_PREFIX + derive(secret, `api-key:${label}`).subarray(0, 24).toString('base64url');
const invitationToken = (secret: string, id: string): string => derive(secret, `invitation:${id}`).toString('base64url');

/** The plain credentials of a seed (and signing key): what the control plane lists (they are stored as hashes only). */
export function seededCredentials(fixture: ToursFixture, seed: number, signingKey?: string): SeededCredentials {
  const orgId = new Map(fixture.organizations.map((o) => [o.key, o.id]));
  const secret = secretOf(seed, signingKey);
  const keyOf = (label: string): string => apiKey(secret, `extra:${label}`);
  return Object.freeze({
    principals: fixture.principals.map((p) =>
      Object.freeze({
        name: p.name,
        email: p.email,
        password: p.password,
        userId: p.userId,
        orgId: p.organization === null ? null : (orgId.get(p.organization) ?? null),
        memberId: p.memberId,
        role: p.role,
        isSuperAdmin: p.isSuperAdmin,
        sessionToken: sessionToken(secret, p.name),
        apiKey: apiKey(secret, `principal:${p.name}`),
      }),
    ),
    expiredApiKey: keyOf('expired'),
    revokedApiKey: keyOf('revoked'),
    invitation: {
      id: fixture.invitation.id,
      email: fixture.invitation.email,
      role: fixture.invitation.role,
      token: invitationToken(secret, fixture.invitation.id),
    },
  });
}

// ---- the snapshot -----------------------------------------------------------------------------------

/** The seeded state: a pure function of the fixture and the settings, deeply frozen. */
export function seedSnapshot(fixture: ToursFixture, settings: SeedSettings): ToursSnapshot {
  const { seed, now } = settings;
  if (!Number.isSafeInteger(settings.extraMembers) || settings.extraMembers < 0)
    throw new RangeError(`extraMembers must be a whole number >= 0, got ${settings.extraMembers}`);
  const credentials = seededCredentials(fixture, seed, settings.signingKey);
  const orgId = (key: string): string => fixture.organizations.find((o) => o.key === key)?.id ?? '';
  const principal = (name: string): FixturePrincipal => fixture.principals.find((p) => p.name === name) as FixturePrincipal;

  const organizations: OrganizationRecord[] = fixture.organizations.map(({ key: _key, ...org }) => org);
  const users: UserRecord[] = fixture.principals.map((p) => ({
    id: p.userId,
    email: p.email,
    name: p.userName,
    passwordHash: hashPassword(p.password, p.userId),
    isSuperAdmin: p.isSuperAdmin,
    createdAt: p.createdAt,
  }));
  const members: MemberRecord[] = fixture.principals.flatMap((p) =>
    p.organization === null || p.memberId === null || p.role === null || p.status === null
      ? []
      : [{ id: p.memberId, userId: p.userId, organizationId: orgId(p.organization), role: p.role, status: p.status, createdAt: p.createdAt }],
  );
  const roles: RoleRecord[] = fixture.roles.map((r) => ({
    id: r.id,
    organizationId: orgId(r.organization),
    name: r.name,
    description: r.description,
    permissions: r.permissions.slice(),
    createdAt: r.createdAt,
  }));

  const extra = generatedMembers(fixture, settings);
  users.push(...extra.users);
  members.push(...extra.members);

  const sessions: SessionRecord[] = credentials.principals.map((p) => ({
    id: derivedId(seed, `session:${p.name}`),
    tokenHash: sha256Hex(p.sessionToken),
    userId: p.userId,
    createdAt: isoAt(now),
    expiresAt: isoAt(now + SESSION_TTL_MS),
    ended: false,
  }));
  const key = (id: string, userId: string, name: string, full: string, rest: Pick<ApiKeyRecord, 'status' | 'createdAt' | 'expiresAt'>): ApiKeyRecord => ({
    id,
    userId,
    name,
    keyHash: sha256Hex(full),
    keyPrefix: full.slice(0, KEY_PREFIX_LENGTH),
    lastUsedAt: null,
    ...rest,
  });
  const apiKeys: ApiKeyRecord[] = credentials.principals.map((p) =>
    key(derivedId(seed, `api-key:${p.name}`), p.userId, 'Seeded key', p.apiKey, { status: 'active', createdAt: isoAt(now), expiresAt: null }),
  );
  for (const extraKey of fixture.extraApiKeys) {
    const owner = principal(extraKey.owner);
    const full = extraKey.label === 'expired' ? credentials.expiredApiKey : credentials.revokedApiKey;
    // The expired key is still `active`: its first use past expiresAt turns it `expired` (TA3).
    const rest: Pick<ApiKeyRecord, 'status' | 'createdAt' | 'expiresAt'> =
      extraKey.label === 'expired'
        ? { status: 'active', createdAt: isoAt(now - 30 * DAY), expiresAt: isoAt(now - DAY) }
        : { status: 'revoked', createdAt: isoAt(now - 30 * DAY), expiresAt: null };
    apiKeys.push(key(derivedId(seed, `api-key:extra:${extraKey.label}`), owner.userId, extraKey.name, full, rest));
  }

  const inv = fixture.invitation;
  const invitation: InvitationRecord = {
    id: inv.id,
    organizationId: orgId(inv.organization),
    email: inv.email,
    role: inv.role,
    status: 'pending',
    inviterId: principal(inv.inviter).userId,
    tokenHash: sha256Hex(credentials.invitation.token),
    expiresAt: isoAt(now + INVITATION_TTL_MS),
    createdAt: isoAt(now),
    acceptedAt: null,
    revokedAt: null,
  };
  const organizationName = fixture.organizations.find((o) => o.key === inv.organization)?.name ?? '';
  const email: InvitationEmailRecord = {
    id: derivedId(seed, `email:${inv.id}`),
    kind: 'invitation',
    to: inv.email,
    subject: `You are invited to join ${organizationName}`,
    invitationId: inv.id,
    token: credentials.invitation.token,
    acceptUrl: acceptUrl(credentials.invitation.token),
    sentAt: isoAt(now),
  };

  const all = <T extends object>(rows: T[]): readonly T[] => Object.freeze(rows.map((row) => frozen(row)));
  return Object.freeze({
    format: TOURS_SNAPSHOT_FORMAT,
    version: TOURS_SNAPSHOT_VERSION,
    users: all(users),
    organizations: all(organizations),
    members: all(members),
    roles: all(roles),
    invitations: all([invitation]),
    sessions: all(sessions),
    apiKeys: all(apiKeys),
    outbox: all([email]),
  });
}

/** `extraMembers` faker-made users, members of the fixture's organization with its role, joined a minute apart from `since`. */
function generatedMembers(fixture: ToursFixture, settings: SeedSettings): { users: UserRecord[]; members: MemberRecord[] } {
  const users: UserRecord[] = [];
  const members: MemberRecord[] = [];
  if (settings.extraMembers === 0) return { users, members };
  const spec = fixture.extraMembers;
  const organizationId = fixture.organizations.find((o) => o.key === spec.organization)?.id ?? '';
  const domain = fixture.principals.find((p) => p.organization === spec.organization)?.email.split('@')[1] ?? 'example.com';
  const since = Date.parse(spec.since);
  // One shared instance, re-seeded on every call: the same seed gives the same sequence.
  faker.seed(settings.seed);
  for (let n = 1; n <= settings.extraMembers; n++) {
    const first = faker.person.firstName();
    const last = faker.person.lastName();
    const userId = faker.string.uuid();
    const createdAt = isoAt(since + n * 60_000);
    users.push({
      id: userId,
      email: `${slug(first)}.${slug(last)}.${n}@${domain}`,
      name: `${first} ${last}`.slice(0, 100),
      passwordHash: hashPassword(spec.password, userId),
      isSuperAdmin: false,
      createdAt,
    });
    members.push({ id: faker.string.uuid(), userId, organizationId, role: spec.role, status: 'active', createdAt });
  }
  return { users, members };
}

const slug = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase() || 'member';
