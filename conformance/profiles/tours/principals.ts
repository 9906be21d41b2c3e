/**
 * The Tours & Events principals a run knows by name, what each one must be on the target (its
 * organization, role, membership and platform flag), and how their credentials are found: the
 * target's `GET /__mock/principals` (the mock), else `--config FILE` and `CONFORMANCE_TOURS_*`
 * variables (a real backend). What a principal is comes from this catalogue, never from the target's
 * own answers, so a target that reports a wrong role cannot make its wrong answers look right.
 */
import { readFileSync } from 'node:fs';
import { SetupError } from '../../kernel/errors.js';
import { controlPlaneRefusal, type HttpClient } from '../../kernel/http/client.js';
import { bodyField, type ExchangeMeta } from '../../kernel/http/exchange.js';

export const ORGS = ['acme', 'globex'] as const;
export type OrgKey = (typeof ORGS)[number];

export interface PrincipalSpec {
  readonly name: string;
  readonly org: OrgKey | null;
  /** The role name the member holds (a system role, or one of its organization's own), null without an organization. */
  readonly role: string | null;
  readonly suspended: boolean;
  readonly superAdmin: boolean;
  /** What it is, for reports and the README's table. */
  readonly description: string;
}

/** The principals, as the seeded mock has them and as a real backend's test tenant must have them. */
export const TOURS_PRINCIPALS: readonly PrincipalSpec[] = [
  { name: 'acme-owner', org: 'acme', role: 'owner', suspended: false, superAdmin: false, description: 'an owner of Acme' },
  { name: 'acme-admin', org: 'acme', role: 'admin', suspended: false, superAdmin: false, description: 'an admin of Acme' },
  { name: 'acme-coordinator', org: 'acme', role: 'coordinator', suspended: false, superAdmin: false, description: 'a coordinator of Acme (system role)' },
  { name: 'acme-member', org: 'acme', role: 'member', suspended: false, superAdmin: false, description: 'a member of Acme (no permission)' },
  {
    name: 'acme-guide-lead',
    org: 'acme',
    role: 'guide-lead',
    suspended: false,
    superAdmin: false,
    description: "a holder of Acme's own role guide-lead (users.read)",
  },
  { name: 'acme-suspended', org: 'acme', role: 'member', suspended: true, superAdmin: false, description: 'a suspended member of Acme' },
  { name: 'globex-owner', org: 'globex', role: 'owner', suspended: false, superAdmin: false, description: 'an owner of Globex' },
  {
    name: 'globex-coordinator',
    org: 'globex',
    role: 'coordinator',
    suspended: false,
    superAdmin: false,
    description: 'a coordinator of Globex, whose own role coordinator shadows the system one (users.read only)',
  },
  { name: 'orgless', org: null, role: null, suspended: false, superAdmin: false, description: 'a user with no organization' },
  { name: 'superadmin', org: null, role: null, suspended: false, superAdmin: true, description: 'a Super Admin with no organization' },
];

/** The organizations' own roles the principals hold, with their permissions (shadowing included). */
export const ORG_ROLES: Readonly<Record<OrgKey, Readonly<Record<string, readonly string[]>>>> = {
  acme: { 'guide-lead': ['users.read'] },
  globex: { coordinator: ['users.read'] },
};

export const PRINCIPAL_NAMES: readonly string[] = TOURS_PRINCIPALS.map((p) => p.name);

/** Where a principal's credentials came from. */
export type CredentialSource = 'mock' | 'config' | 'env';

export interface ResolvedPrincipal {
  readonly spec: PrincipalSpec;
  readonly source: CredentialSource;
  readonly email: string | null;
  readonly password: string | null;
  readonly apiKey: string | null;
  readonly sessionToken: string | null;
  readonly userId: string | null;
  readonly orgId: string | null;
  readonly memberId: string | null;
}

/** Seeded credentials that belong to no principal, for the credential checks (TA3) and the recipient's side (TI3, TI4). */
export interface Extras {
  readonly expiredApiKey: string | null;
  readonly revokedApiKey: string | null;
  /** A pending invitation's token and the email it was sent to. */
  readonly invitation: { readonly token: string; readonly email: string } | null;
}

export interface ResolvedPrincipals {
  readonly source: string;
  readonly byName: ReadonlyMap<string, ResolvedPrincipal>;
  readonly extras: Extras;
  /** The target lists its principals at `/__mock/principals` (and so has the mock's control plane: the outbox, the clock). */
  readonly mockControlPlane: boolean;
  readonly notes: readonly string[];
}

interface GivenCredentials {
  readonly apiKey?: string | undefined;
  readonly sessionToken?: string | undefined;
  readonly email?: string | undefined;
  readonly password?: string | undefined;
}

export interface ToursConfig {
  readonly principals: ReadonlyMap<string, GivenCredentials>;
  readonly extras: Extras;
  readonly source: CredentialSource;
}

const CREDENTIAL_FIELDS = ['apiKey', 'sessionToken', 'email', 'password'] as const;

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SetupError(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}

function optionalString(record: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new SetupError(`${where}.${key} must be a non-empty string`);
  return value;
}

/**
 * `--config FILE` for the Tours API:
 * `{"principals": {"acme-owner": {"apiKey": "...", "sessionToken": "..." | "email": "...", "password": "..."}, ...},
 *   "expiredApiKey": "...", "revokedApiKey": "...", "invitation": {"token": "...", "email": "..."}}`.
 */
export function readToursConfig(file: string): ToursConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SetupError(`Cannot read the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SetupError(`The config file ${file} is not JSON: ${(error as Error).message}`);
  }
  const root = asRecord(json, file);
  const principals = new Map<string, GivenCredentials>();
  const listed = asRecord(root.principals ?? {}, `${file}: principals`);
  for (const [name, raw] of Object.entries(listed)) {
    if (!PRINCIPAL_NAMES.includes(name)) throw new SetupError(`${file}: unknown principal "${name}"; use ${PRINCIPAL_NAMES.join(', ')}`);
    const where = `${file}: principals.${name}`;
    const record = asRecord(raw, where);
    const unknown = Object.keys(record).filter((k) => !(CREDENTIAL_FIELDS as readonly string[]).includes(k));
    if (unknown.length > 0) throw new SetupError(`${where} has unknown field "${unknown[0]}"; use ${CREDENTIAL_FIELDS.join(', ')}`);
    principals.set(name, readGiven(record, where));
  }
  const invitation = root.invitation === undefined ? null : asRecord(root.invitation, `${file}: invitation`);
  return {
    source: 'config',
    principals,
    extras: {
      expiredApiKey: optionalString(root, 'expiredApiKey', file) ?? null,
      revokedApiKey: optionalString(root, 'revokedApiKey', file) ?? null,
      invitation: invitation
        ? { token: requiredString(invitation, 'token', `${file}: invitation`), email: requiredString(invitation, 'email', `${file}: invitation`) }
        : null,
    },
  };
}

function requiredString(record: Record<string, unknown>, key: string, where: string): string {
  return (
    optionalString(record, key, where) ??
    (() => {
      throw new SetupError(`${where}.${key} is required`);
    })()
  );
}

function readGiven(record: Record<string, unknown>, where: string): GivenCredentials {
  const given: GivenCredentials = {
    apiKey: optionalString(record, 'apiKey', where),
    sessionToken: optionalString(record, 'sessionToken', where),
    email: optionalString(record, 'email', where),
    password: optionalString(record, 'password', where),
  };
  if ((given.email === undefined) !== (given.password === undefined)) throw new SetupError(`${where} needs both email and password, or neither`);
  return given;
}

/** `CONFORMANCE_TOURS_<NAME>_APIKEY`, `_SESSION`, `_EMAIL`, `_PASSWORD` (NAME: `ACME_OWNER`, ...), and `CONFORMANCE_TOURS_EXPIRED_KEY`, `_REVOKED_KEY`. */
export function readToursEnvironment(env: Readonly<Record<string, string | undefined>>): ToursConfig {
  const principals = new Map<string, GivenCredentials>();
  for (const name of PRINCIPAL_NAMES) {
    const prefix = `CONFORMANCE_TOURS_${name.toUpperCase().replace(/-/g, '_')}_`;
    const read = (suffix: string): string | undefined => env[prefix + suffix] || undefined;
    const record = { apiKey: read('APIKEY'), sessionToken: read('SESSION'), email: read('EMAIL'), password: read('PASSWORD') };
    if (Object.values(record).some((v) => v !== undefined)) principals.set(name, readGiven(record, `${prefix}*`));
  }
  return {
    source: 'env',
    principals,
    extras: {
      expiredApiKey: env.CONFORMANCE_TOURS_EXPIRED_KEY || null,
      revokedApiKey: env.CONFORMANCE_TOURS_REVOKED_KEY || null,
      invitation: null,
    },
  };
}

export const ENV_HELP = `Principals also come from CONFORMANCE_TOURS_<NAME>_APIKEY, _SESSION, or _EMAIL and _PASSWORD
(NAME: ${PRINCIPAL_NAMES.map((n) => n.toUpperCase().replace(/-/g, '_')).join(', ')}),
CONFORMANCE_TOURS_EXPIRED_KEY and CONFORMANCE_TOURS_REVOKED_KEY, or, when none is given, from the target's GET /__mock/principals.`;

const SETUP_META = (principal: string): ExchangeMeta => ({ subject: { kind: 'internal' }, principal, caseId: 'setup' });

/** Resolves every principal: the config and environment when given (config first), else the mock's listing; then learns what is missing from the target. */
export async function resolveToursPrincipals(http: HttpClient, given: readonly ToursConfig[]): Promise<ResolvedPrincipals> {
  const notes: string[] = [];
  const configured = given.filter((c) => c.principals.size > 0 || c.extras.expiredApiKey || c.extras.revokedApiKey || c.extras.invitation);
  if (configured.length === 0) {
    const listed = await fromMock(http);
    if (listed) return listed;
    throw new SetupError(
      'No Tours principals: the target lists none at GET /__mock/principals; give them with --config FILE or CONFORMANCE_TOURS_<NAME>_* variables (README, "Pointing the suite at a real backend")',
    );
  }
  const byName = new Map<string, ResolvedPrincipal>();
  for (const spec of TOURS_PRINCIPALS) {
    const found = configured.find((c) => c.principals.has(spec.name));
    const credentials = found?.principals.get(spec.name);
    if (!found || !credentials) continue;
    const principal = await learn(http, spec, found.source, credentials, notes);
    if (principal) byName.set(spec.name, principal);
  }
  fillOrganizations(byName);
  const extra = <K extends keyof Extras>(key: K): Extras[K] => configured.find((c) => c.extras[key])?.extras[key] ?? null;
  return {
    source: configured.map((c) => (c.source === 'config' ? '--config' : 'CONFORMANCE_TOURS_* variables')).join(' and '),
    byName,
    extras: { expiredApiKey: extra('expiredApiKey'), revokedApiKey: extra('revokedApiKey'), invitation: extra('invitation') },
    mockControlPlane: false,
    notes,
  };
}

/** A suspended member cannot read GET /me: its organization's id is the one its organization's other principals read. */
function fillOrganizations(byName: Map<string, ResolvedPrincipal>): void {
  for (const [name, p] of byName) {
    if (p.orgId || !p.spec.org) continue;
    const sibling = [...byName.values()].find((q) => q.spec.org === p.spec.org && q.orgId);
    if (sibling) byName.set(name, { ...p, orgId: sibling.orgId });
  }
}

async function fromMock(http: HttpClient): Promise<ResolvedPrincipals | null> {
  const exchange = await http.send({ method: 'GET', path: '/__mock/principals' }, SETUP_META('-'));
  const refused = controlPlaneRefusal(exchange);
  if (refused) throw new SetupError(`No Tours principals: ${http.baseUrl} lists none at GET /__mock/principals${refused}`);
  if (exchange.response?.status !== 200) return null;
  const list = bodyField(exchange, 'principals');
  if (!Array.isArray(list)) return null;
  const byName = new Map<string, ResolvedPrincipal>();
  for (const raw of list as Record<string, unknown>[]) {
    const spec = TOURS_PRINCIPALS.find((p) => p.name === raw.name);
    if (!spec) continue;
    const text = (key: string): string | null => (typeof raw[key] === 'string' ? raw[key] : null);
    byName.set(spec.name, {
      spec,
      source: 'mock',
      email: text('email'),
      password: text('password'),
      apiKey: text('apiKey'),
      sessionToken: text('sessionToken'),
      userId: text('userId'),
      orgId: text('orgId'),
      memberId: text('memberId'),
    });
  }
  if (byName.size === 0) return null;
  const invitation = bodyField(exchange, 'invitation') as { token?: unknown; email?: unknown } | undefined;
  return {
    source: "the target's GET /__mock/principals",
    byName,
    extras: {
      expiredApiKey: (bodyField(exchange, 'expiredApiKey') as string | undefined) ?? null,
      revokedApiKey: (bodyField(exchange, 'revokedApiKey') as string | undefined) ?? null,
      invitation: typeof invitation?.token === 'string' && typeof invitation.email === 'string' ? { token: invitation.token, email: invitation.email } : null,
    },
    mockControlPlane: true,
    notes: [],
  };
}

/** A configured principal: signs in when only a password is given, then learns its user id (get-session) and organization id (GET /me). */
async function learn(
  http: HttpClient,
  spec: PrincipalSpec,
  source: CredentialSource,
  given: GivenCredentials,
  notes: string[],
): Promise<ResolvedPrincipal | null> {
  let sessionToken = given.sessionToken ?? null;
  if (!sessionToken && given.email && given.password) {
    const exchange = await http.send(
      { method: 'POST', path: '/api/auth/sign-in/email', json: { email: given.email, password: given.password } },
      SETUP_META(spec.name),
    );
    const token = bodyField(exchange, 'token');
    if (exchange.response?.status === 200 && typeof token === 'string') sessionToken = token;
    else
      notes.push(
        `${spec.name}: could not sign in with the given email and password (${exchange.response?.status ?? exchange.error}); its session checks are skipped`,
      );
  }
  const cookie = sessionToken ? { cookie: `${SESSION_COOKIE}=${sessionToken}` } : undefined;
  const bearer = given.apiKey ? { value: `Bearer ${given.apiKey}`, label: `Bearer <${spec.name}'s API key>` } : undefined;
  if (!cookie && !bearer) {
    notes.push(`${spec.name}: neither a session nor an API key could be had; its checks are skipped`);
    return null;
  }
  let userId: string | null = null;
  let email = given.email ?? null;
  if (cookie) {
    const session = await http.send({ method: 'GET', path: '/api/auth/get-session', headers: cookie }, SETUP_META(spec.name));
    const user = bodyField(session, 'user') as { id?: unknown; email?: unknown } | undefined;
    if (typeof user?.id === 'string') userId = user.id;
    if (typeof user?.email === 'string') email ??= user.email;
  }
  let orgId: string | null = null;
  if (spec.org) {
    const me = await http.send(
      { method: 'GET', path: '/api/organizations/me', headers: cookie, authorization: cookie ? undefined : bearer },
      SETUP_META(spec.name),
    );
    const id = bodyField(me, 'id');
    if (typeof id === 'string') orgId = id;
  }
  return { spec, source, email, password: given.password ?? null, apiKey: given.apiKey ?? null, sessionToken, userId, orgId, memberId: null };
}

/** better-auth's session cookie (TA1). */
export const SESSION_COOKIE = 'better-auth.session_token';
