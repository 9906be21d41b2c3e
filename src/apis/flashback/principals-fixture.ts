/**
 * Reads `fixtures/principals.json`: the named principals with fixed ids, emails and passwords
 * (docs/decisions/flashback.md, section 8). Checked on load so a broken fixture fails at start with a
 * message naming the entry, not later with a confusing 401.
 */
import { readFileSync } from 'node:fs';
import { isRoleName, projectPath, type RoleName } from '../../contract/index.js';

export interface FixtureOrganization {
  readonly key: string;
  readonly id: string;
}

export interface FixturePrincipal {
  readonly name: string;
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly firstName: string;
  readonly lastName: string;
  /** The `key` of one of the fixture's organizations, or null for no organization. */
  readonly organization: string | null;
  readonly role: RoleName | null;
  readonly validated: boolean;
  readonly deletedAt: string | null;
}

export interface PrincipalsFixture {
  readonly organizations: readonly FixtureOrganization[];
  readonly principals: readonly FixturePrincipal[];
}

export const PRINCIPALS_FIXTURE = 'fixtures/principals.json';

let cached: PrincipalsFixture | undefined;

/** The fixture, read and checked once per process. */
export function loadPrincipalsFixture(file: string = projectPath(PRINCIPALS_FIXTURE)): PrincipalsFixture {
  if (file === projectPath(PRINCIPALS_FIXTURE) && cached) return cached;
  const fixture = checkFixture(JSON.parse(readFileSync(file, 'utf8')), file);
  if (file === projectPath(PRINCIPALS_FIXTURE)) cached = fixture;
  return fixture;
}

function checkFixture(raw: unknown, file: string): PrincipalsFixture {
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  const root = raw as { organizations?: unknown; principals?: unknown };
  if (!Array.isArray(root?.organizations) || !Array.isArray(root.principals)) fail('needs "organizations" and "principals" arrays');
  const organizations = root.organizations as FixtureOrganization[];
  const keys = new Set<string>();
  for (const [i, org] of organizations.entries()) {
    if (typeof org?.key !== 'string' || typeof org.id !== 'string') fail(`organizations[${i}] needs a string "key" and "id"`);
    keys.add(org.key);
  }
  const principals = root.principals as FixturePrincipal[];
  for (const [i, p] of principals.entries()) {
    const where = `principals[${i}] (${String(p?.name)})`;
    for (const field of ['name', 'id', 'email', 'password', 'firstName', 'lastName'] as const) {
      if (typeof p?.[field] !== 'string' || p[field] === '') fail(`${where}.${field} must be a non-empty string`);
    }
    if (p.organization !== null && !keys.has(p.organization)) fail(`${where}.organization must be null or one of ${[...keys].join(', ')}`);
    if ((p.organization === null) !== (p.role === null)) fail(`${where}: "organization" and "role" must be both null or both set`);
    if (p.role !== null && !isRoleName(p.role)) fail(`${where}.role must be a role name or null`);
    if (typeof p.validated !== 'boolean') fail(`${where}.validated must be a boolean`);
    if (p.deletedAt !== null && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(p.deletedAt)) {
      fail(`${where}.deletedAt must be null or an ISO timestamp with milliseconds`);
    }
  }
  return { organizations, principals };
}
