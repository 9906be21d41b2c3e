/**
 * Where a run's principals come from: the `--config` file, `CONFORMANCE_<NAME>_*` environment
 * variables, or the mock's `GET /__mock/principals` (the caller decides which, see resolve.ts).
 * Everything here is parsing; a malformed source is a SetupError that says how to fix it.
 */
import { readFileSync } from 'node:fs';
import { isRoleName, isRoleValue, ROLES, type RoleValue } from '../../../../src/contract/index.js';
import { SetupError } from '../../../kernel/errors.js';
import { CREDENTIAL_NAMES, isCredentialName, isInactiveName, type CredentialName } from './names.js';

export type CredentialSource = 'config' | 'env' | 'mock';

export interface Credentials {
  readonly source: CredentialSource;
  readonly token: string | null;
  readonly email: string | null;
  readonly password: string | null;
  /** Optional hints for a backend whose tokens and login answer do not say: role (outsider), ids. */
  readonly role: RoleValue | null | undefined;
  readonly userId: string | null;
  readonly orgId: string | null;
}

export type CredentialMap = ReadonlyMap<CredentialName, Credentials>;

const FIELDS = new Set(['token', 'email', 'password', 'role', 'userId', 'orgId']);

/** Reads `{ "principals": { "owner": { "token": "..." } | { "email": "...", "password": "..." }, ... } }`. */
export function readConfigFile(file: string): CredentialMap {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SetupError(`Cannot read the config file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new SetupError(`The config file ${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(parsed, file);
}

/** Checks a parsed config object; `where` names it in error messages. */
export function parseConfig(parsed: unknown, where: string): CredentialMap {
  const fail = (why: string): never => {
    throw new SetupError(`${where}: ${why}. Expected {"principals": {"owner": {"token": "..."} or {"email": "...", "password": "..."}, ...}}`);
  };
  if (!isObject(parsed) || !isObject(parsed.principals)) return fail('no "principals" object');
  const out = new Map<CredentialName, Credentials>();
  for (const [name, raw] of Object.entries(parsed.principals)) {
    if (!isCredentialName(name)) return fail(`unknown principal "${name}" (known: ${CREDENTIAL_NAMES.join(', ')})`);
    if (!isObject(raw)) return fail(`principal "${name}" is not an object`);
    for (const key of Object.keys(raw)) if (!FIELDS.has(key)) fail(`principal "${name}" has an unknown field "${key}"`);
    for (const key of ['token', 'email', 'password', 'userId', 'orgId'] as const) {
      if (raw[key] !== undefined && (typeof raw[key] !== 'string' || raw[key] === '')) fail(`principal "${name}": "${key}" must be a non-empty string`);
    }
    const credentials = makeCredentials('config', {
      token: raw.token as string | undefined,
      email: raw.email as string | undefined,
      password: raw.password as string | undefined,
      role: parseRole(raw.role, (why) => fail(`principal "${name}": ${why}`)),
      userId: raw.userId as string | undefined,
      orgId: raw.orgId as string | undefined,
    });
    if (!isUsable(name, credentials)) fail(`principal "${name}" needs ${neededFields(name, (k) => `"${k}"`)}`);
    out.set(name, credentials);
  }
  return out;
}

/** `CONFORMANCE_OWNER_TOKEN`, `CONFORMANCE_OWNER_EMAIL` + `CONFORMANCE_OWNER_PASSWORD`, optional `_ROLE`, `_USER_ID`, `_ORG_ID`. */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): CredentialMap {
  const out = new Map<CredentialName, Credentials>();
  for (const name of CREDENTIAL_NAMES) {
    const prefix = `CONFORMANCE_${name.toUpperCase()}_`;
    const get = (key: string): string | undefined => env[prefix + key] || undefined;
    if (!get('TOKEN') && !get('EMAIL') && !get('PASSWORD')) continue;
    const fail = (why: string): never => {
      throw new SetupError(`Environment: ${prefix}*: ${why}`);
    };
    const roleText = get('ROLE');
    const credentials = makeCredentials('env', {
      token: get('TOKEN'),
      email: get('EMAIL'),
      password: get('PASSWORD'),
      role: parseRole(roleText === undefined ? undefined : /^\d+$/.test(roleText) ? Number(roleText) : roleText, fail),
      userId: get('USER_ID'),
      orgId: get('ORG_ID'),
    });
    if (!isUsable(name, credentials)) fail(`needs ${neededFields(name, (k) => prefix + k.toUpperCase())}`);
    out.set(name, credentials);
  }
  return out;
}

/** Reads the mock's `{principals: [{name, role, email, password, userId, orgId, accessToken}]}`. */
export function parseMockPrincipals(body: unknown): CredentialMap | null {
  if (!isObject(body) || !Array.isArray(body.principals)) return null;
  const out = new Map<CredentialName, Credentials>();
  for (const raw of body.principals) {
    if (!isObject(raw) || typeof raw.name !== 'string' || !isCredentialName(raw.name)) continue;
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const role = isRoleName(raw.role) ? ROLES[raw.role] : isRoleValue(raw.role) ? raw.role : raw.role === null ? null : undefined;
    out.set(
      raw.name,
      makeCredentials('mock', {
        token: str(raw.accessToken),
        email: str(raw.email),
        password: str(raw.password),
        role,
        userId: str(raw.userId),
        orgId: str(raw.orgId),
      }),
    );
  }
  return out;
}

function makeCredentials(
  source: CredentialSource,
  v: {
    token?: string | undefined;
    email?: string | undefined;
    password?: string | undefined;
    role: RoleValue | null | undefined;
    userId?: string | undefined;
    orgId?: string | undefined;
  },
): Credentials {
  return Object.freeze({
    source,
    token: v.token ?? null,
    email: v.email ?? null,
    password: v.password ?? null,
    role: v.role,
    userId: v.userId ?? null,
    orgId: v.orgId ?? null,
  });
}

/** The inactive accounts are only ever logged in with; the others need a token or a way to get one. */
function isUsable(name: CredentialName, c: Credentials): boolean {
  const canLogIn = c.email !== null && c.password !== null;
  return isInactiveName(name) ? canLogIn : c.token !== null || canLogIn;
}

function neededFields(name: CredentialName, field: (key: string) => string): string {
  const login = `${field('email')} and ${field('password')}`;
  return isInactiveName(name) ? login : `${field('token')}, or ${login}`;
}

function parseRole(raw: unknown, fail: (why: string) => never): RoleValue | null | undefined {
  if (raw === undefined) return undefined;
  if (raw === null) return null;
  if (isRoleName(raw)) return ROLES[raw];
  if (isRoleValue(raw)) return raw;
  return fail(`"role" must be one of ${Object.keys(ROLES).join(', ')} or its value`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
