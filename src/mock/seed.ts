/**
 * The seeded state: the named principals of fixtures/principals.json, their organizations filled in
 * by faker, and `extraUsers` generated members of the first organization.
 *
 * Deterministic: faker is seeded with `seed`, salts derive from user ids, and no value comes from
 * the clock, so the same seed gives the same state byte for byte (test/mock/seed.test.ts).
 */
import { base, en, Faker } from '@faker-js/faker';
import { ROLES, type RoleValue } from '../contract/index.js';
import { hashPassword } from './passwords.js';
import type { FixturePrincipal, PrincipalsFixture } from './principals-fixture.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type Organization, type StateSnapshot, type UserRecord } from './records.js';

/** The password of every generated user, so that any of them can log in. */
export const EXTRA_USER_PASSWORD = 'Member-Passw0rd';

/** Generated users are mostly plain members; a few can manage users (R6). */
const EXTRA_USER_ROLES: { weight: number; value: RoleValue }[] = [
  { weight: 70, value: ROLES.USER },
  { weight: 15, value: ROLES.BILLING },
  { weight: 15, value: ROLES.WORKSPACES },
];

export interface SeedSettings {
  readonly seed: number;
  readonly extraUsers: number;
}

export function seedState(fixture: PrincipalsFixture, settings: SeedSettings): StateSnapshot {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(settings.seed);
  const orgIdByKey = new Map(fixture.organizations.map((org) => [org.key, org.id]));
  const organizations = fixture.organizations.map((org) => fakeOrganization(faker, org.id));
  const users = fixture.principals.map((p) => principalUser(p, p.organization === null ? null : (orgIdByKey.get(p.organization) ?? null)));
  const first = fixture.organizations[0];
  if (settings.extraUsers > 0 && !first) throw new Error('fixtures/principals.json has no organization to put the extra users in');
  if (first) users.push(...extraUsers(faker, first.id, emailDomain(fixture, first.key), settings.extraUsers));
  return { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, organizations, users, refreshTokens: [], outbox: [] };
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

function extraUsers(faker: Faker, orgId: string, domain: string, count: number): UserRecord[] {
  const users: UserRecord[] = [];
  for (let n = 1; n <= count; n++) {
    const id = faker.string.uuid();
    const name = faker.person.firstName();
    const lastName = faker.person.lastName();
    users.push({
      id,
      // The running number keeps emails unique however often faker repeats a name.
      email: `${slug(name)}.${slug(lastName)}.${n}@${domain}`,
      name,
      lastName,
      orgId,
      orgRole: faker.helpers.weightedArrayElement(EXTRA_USER_ROLES),
      validated: true,
      deletedAt: null,
      passwordHash: hashPassword(EXTRA_USER_PASSWORD, id),
      tokenEpoch: 0,
    });
  }
  return users;
}

/** The email domain of the organization's first principal, so generated users look like colleagues. */
function emailDomain(fixture: PrincipalsFixture, orgKey: string): string {
  const principal = fixture.principals.find((p) => p.organization === orgKey);
  return principal?.email.split('@')[1] ?? 'example.test';
}

function slug(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]/g, '')
      .toLowerCase() || 'member'
  );
}
