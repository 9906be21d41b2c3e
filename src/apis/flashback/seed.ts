/**
 * The seeded state: the named principals of fixtures/principals.json, their organizations filled in
 * by faker, and `extraUsers` generated members of the first organization.
 *
 * Deterministic: faker is seeded with `seed`, salts derive from user ids, and no value comes from
 * the clock, so the same seed gives the same state byte for byte (test/mock/state.test.ts).
 */
// The English-only entry point: the package root loads every locale (about 300 ms at start-up).
import type { Faker } from '@faker-js/faker';
import { faker as englishFaker } from '@faker-js/faker/locale/en';
import { ROLES, type RoleValue } from '../../contract/index.js';
import { hashPassword } from '../../engine/passwords.js';
import type { FixturePrincipal, PrincipalsFixture } from './principals-fixture.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Organization, type StateSnapshot, type UserRecord } from './records.js';

/** The password of every generated user, so that any of them can log in. */
export const EXTRA_USER_PASSWORD = 'Member-Passw0rd';

/** Generated users are mostly plain members; a few can manage users (R6). Weights in percent. */
const EXTRA_USER_ROLES: readonly { weight: number; value: RoleValue }[] = [
  { weight: 70, value: ROLES.USER },
  { weight: 15, value: ROLES.BILLING },
  { weight: 15, value: ROLES.WORKSPACES },
];

export interface SeedSettings {
  readonly seed: number;
  readonly extraUsers: number;
}

/** The seeded state of fixtures and settings, deeply frozen. */
export function seedState(fixture: PrincipalsFixture, settings: SeedSettings): StateSnapshot {
  // One shared instance, re-seeded on every call: same seed, same sequence (reset relies on it).
  const faker = englishFaker;
  faker.seed(settings.seed);
  const orgIdByKey = new Map(fixture.organizations.map((org) => [org.key, org.id]));
  const organizations = fixture.organizations.map((org) => fakeOrganization(faker, org.id));
  const principals = fixture.principals.map((p) => principalUser(p, p.organization === null ? null : (orgIdByKey.get(p.organization) ?? null)));
  const first = fixture.organizations[0];
  if (settings.extraUsers > 0 && !first) throw new Error('fixtures/principals.json has no organization to put the extra users in');
  // Array spread, not push(...): a million arguments would overflow the stack.
  const users = first ? [...principals, ...extraUsers(faker, first.id, emailDomain(fixture, first.key), settings.extraUsers)] : principals;
  // Frozen: the store shares these records instead of copying them, and reset reuses the same seed.
  return Object.freeze({
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    organizations: Object.freeze(organizations.map((org) => Object.freeze(org))),
    users: Object.freeze(users.map((user) => Object.freeze(user))),
    refreshTokens: Object.freeze([]),
    outbox: Object.freeze([]),
  });
}

function fakeOrganization(faker: Faker, id: string): Organization {
  const domain = faker.internet.domainName();
  return {
    id,
    name: faker.company.name(),
    domain,
    address1: faker.location.streetAddress(),
    address2: faker.location.secondaryAddress(),
    city: faker.location.city(),
    zipcode: faker.location.zipCode(),
    phone: faker.phone.number({ style: 'international' }),
    state: faker.location.state({ abbreviated: true }),
    country: 'US',
    deletedAt: null,
    reposDisabled: false,
    website: `https://${domain}`,
    is_business: true,
    mfaEnforced: faker.datatype.boolean(),
  };
}

function principalUser(p: FixturePrincipal, orgId: string | null): UserRecord {
  return {
    id: p.id,
    email: p.email,
    name: p.firstName,
    lastName: p.lastName,
    orgId,
    orgRole: p.role === null ? null : ROLES[p.role],
    validated: p.validated,
    deletedAt: p.deletedAt,
    passwordHash: hashPassword(p.password, p.id),
    tokenEpoch: 0,
  };
}

/**
 * The generated members. Names come from faker's own name lists, but the draws per user come from a
 * small PRNG seeded by faker: calling faker's API six times per user made seeding 100,000 users
 * take seconds (mostly garbage collection), this takes a fraction of that and is as deterministic.
 */
function extraUsers(faker: Faker, orgId: string, domain: string, count: number): UserRecord[] {
  const names = faker.definitions.person;
  const firstNames = [...new Set([...(names.first_name.generic ?? []), ...(names.first_name.female ?? []), ...(names.first_name.male ?? [])])];
  const lastNames = names.last_name.generic ?? [];
  if (!firstNames.length || !lastNames.length) throw new Error("faker's English locale has no person names");
  const next = sfc32(faker.number.int(0xffffffff), faker.number.int(0xffffffff), faker.number.int(0xffffffff), faker.number.int(0xffffffff));
  const users = new Array<UserRecord>(count);
  for (let n = 1; n <= count; n++) {
    const id = uuidFrom(next);
    const name = firstNames[next() % firstNames.length] as string;
    const lastName = lastNames[next() % lastNames.length] as string;
    users[n - 1] = {
      id,
      // The running number keeps emails unique however often a name repeats.
      email: `${slug(name)}.${slug(lastName)}.${n}@${domain}`,
      name,
      lastName,
      orgId,
      orgRole: pickRole(next() % 100),
      validated: true,
      deletedAt: null,
      passwordHash: hashPassword(EXTRA_USER_PASSWORD, id),
      tokenEpoch: 0,
    };
  }
  return users;
}

function pickRole(percent: number): RoleValue {
  let bound = 0;
  for (const { weight, value } of EXTRA_USER_ROLES) if (percent < (bound += weight)) return value;
  return ROLES.USER;
}

/** sfc32, a fast 32-bit PRNG; each call returns an unsigned 32-bit integer. */
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

/** A version 4 UUID from four 32-bit draws. */
function uuidFrom(next: () => number): string {
  const a = next();
  const b = next();
  const c = next();
  const d = next();
  return `${hex(a, 8)}-${hex(b >>> 16, 4)}-4${hex(b & 0xfff, 3)}-${hex(8 | ((c >>> 28) & 3), 1)}${hex((c >>> 16) & 0xfff, 3)}-${hex(c & 0xffff, 4)}${hex(d, 8)}`;
}

/** The email domain of the organization's first principal, so generated users look like colleagues. */
function emailDomain(fixture: PrincipalsFixture, orgKey: string): string {
  const principal = fixture.principals.find((p) => p.organization === orgKey);
  return principal?.email.split('@')[1] ?? 'example.test';
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]/g, '')
      .toLowerCase() || 'member'
  );
}
