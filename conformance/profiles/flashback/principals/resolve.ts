/**
 * Turns credentials into principals the checks can use: a token, the user's own id, the
 * organization's id and the role. Ids come from the login answer's `user`, the mock's principals
 * endpoint, the config, the token's claims, or the user list, in that order.
 */
import { decodeJwt } from 'jose';
import { ROLES, isRoleValue, type LoadedSpec, type RoleValue } from '../../../../src/contract/index.js';
import { SetupError } from '../../../kernel/errors.js';
import { OP, operation, operationPath } from '../operations.js';
import { controlPlaneRefusal, type HttpClient } from '../../../kernel/http/client.js';
import { bodyField, type ExchangeMeta } from '../../../kernel/http/exchange.js';
import { parseMockPrincipals, type CredentialMap, type CredentialSource } from './credentials.js';
import { INACTIVE_NAMES, isMemberName, memberRoleValue, MEMBER_NAMES, PRINCIPAL_NAMES, type CredentialName } from './names.js';

export interface Principal {
  readonly name: CredentialName;
  readonly source: CredentialSource;
  /** The access token; null for an inactive account (it cannot log in). */
  readonly token: string | null;
  /** From a login made while resolving, if any. */
  readonly refreshToken: string | null;
  readonly email: string | null;
  readonly password: string | null;
  /** Null: no organization. Undefined: not known. */
  readonly role: RoleValue | null | undefined;
  readonly userId: string | null;
  readonly orgId: string | null;
}

export interface ResolvedPrincipals {
  readonly byName: ReadonlyMap<CredentialName, Principal>;
  /** Where they came from, for the report header. */
  readonly source: string;
  /** True when the target answered `GET /__mock/principals` (its control plane may be used). */
  readonly mockControlPlane: boolean;
  readonly notes: readonly string[];
}

export interface ResolveInput {
  readonly http: HttpClient;
  readonly spec: LoadedSpec;
  /** From `--config` (null when not given) and from the environment. */
  readonly config: CredentialMap | null;
  readonly env: CredentialMap;
  readonly configFile: string | null;
}

type Draft = { -readonly [K in keyof Principal]: Principal[K] };

const SETUP = (principal: string): ExchangeMeta => ({ subject: { kind: 'internal' }, principal, caseId: 'setup' });
const setupOp = (operationId: string, principal: string): ExchangeMeta => ({ subject: { kind: 'operation', operationId }, principal, caseId: 'setup' });

export async function resolvePrincipals(input: ResolveInput): Promise<ResolvedPrincipals> {
  const notes: string[] = [];
  const { credentials, source, mockControlPlane } = await gatherCredentials(input);
  const drafts = new Map<CredentialName, Draft>();
  for (const [name, c] of credentials) {
    drafts.set(name, {
      name,
      source: c.source,
      token: null,
      refreshToken: null,
      email: c.email,
      password: c.password,
      role: c.role,
      userId: c.userId,
      orgId: c.orgId,
    });
  }
  for (const name of PRINCIPAL_NAMES) {
    const draft = drafts.get(name);
    const c = credentials.get(name);
    if (!draft || !c) continue;
    if (c.token) draft.token = c.token;
    else await logIn(input, draft, source);
    fillFromClaims(draft);
  }
  for (const name of INACTIVE_NAMES) fillFromClaims(drafts.get(name));
  await fillFromLists(input, drafts, notes);
  assignRoles(drafts, notes);
  await resolveOutsiderRole(input, drafts.get('outsider'), notes);
  checkOrganizations(drafts);
  const byName = new Map<CredentialName, Principal>([...drafts].map(([k, v]) => [k, Object.freeze({ ...v })]));
  return { byName, source, mockControlPlane, notes };
}

async function gatherCredentials(input: ResolveInput): Promise<{ credentials: CredentialMap; source: string; mockControlPlane: boolean }> {
  if ((input.config && input.config.size > 0) || input.env.size > 0) {
    const merged = new Map(input.env);
    for (const [name, c] of input.config ?? []) merged.set(name, c);
    const from = [input.config?.size ? `config file ${input.configFile}` : '', input.env.size ? 'environment' : ''].filter(Boolean).join(' and ');
    return { credentials: merged, source: from, mockControlPlane: false };
  }
  const exchange = await input.http.send({ method: 'GET', path: '/__mock/principals' }, SETUP('-'));
  const parsed = exchange.response?.status === 200 ? parseMockPrincipals(exchange.response.json) : null;
  if (!parsed || parsed.size === 0) {
    throw new SetupError(
      `No principals: give --config FILE or CONFORMANCE_<NAME>_TOKEN (or _EMAIL and _PASSWORD) variables; ${input.http.baseUrl} does not serve GET /__mock/principals${controlPlaneRefusal(exchange)}`,
    );
  }
  return { credentials: parsed, source: `${input.http.baseUrl}/__mock/principals`, mockControlPlane: true };
}

/** A1/A3: `POST /user/login`; a refusal is a configuration problem (exit 2), not a finding. */
async function logIn(input: ResolveInput, draft: Draft, source: string): Promise<void> {
  const op = operation(input.spec, OP.login);
  const exchange = await input.http.send(
    { method: op.method, path: operationPath(op), json: { email: draft.email, password: draft.password } },
    setupOp(op.operationId, draft.name),
  );
  const status = exchange.response?.status;
  const token = bodyField(exchange, 'accessToken');
  if (status !== 200 || typeof token !== 'string') {
    const code = bodyField(exchange, 'error_code');
    const got = exchange.error ?? `${status}${typeof code === 'string' ? ` ${code}` : ''}`;
    throw new SetupError(`Cannot log in as ${draft.name} (${draft.email}) with POST ${op.path}: ${got}. Check the credentials from ${source}.`);
  }
  draft.token = token;
  const refresh = bodyField(exchange, 'refreshToken');
  draft.refreshToken = typeof refresh === 'string' ? refresh : null;
  const user = bodyField(exchange, 'user') as Record<string, unknown> | undefined;
  if (typeof user?.id === 'string') draft.userId ??= user.id;
  if (user && (typeof user.orgId === 'string' || user.orgId === null) && draft.orgId === null) draft.orgId = user.orgId;
}

/** A5: the access token carries `userId` and `orgId`; read without verifying (the suite has no key). */
function fillFromClaims(draft: Draft | undefined): void {
  if (!draft?.token) return;
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(draft.token);
  } catch {
    return;
  }
  if (typeof claims.userId === 'string') draft.userId ??= claims.userId;
  if (typeof claims.orgId === 'string') draft.orgId ??= claims.orgId;
}

interface ListedUser {
  readonly id: string;
  readonly email: string;
  readonly orgId: string | null;
  readonly orgRole: unknown;
}

/** U1: a manager's list names every user of the organization; fills ids from it by email. */
async function fillFromLists(input: ResolveInput, drafts: Map<CredentialName, Draft>, notes: string[]): Promise<void> {
  const lister = (['owner', 'administrator', 'workspaces'] as const).map((n) => drafts.get(n)).find((d) => d?.token);
  const listed = lister ? await listUsers(input, lister) : [];
  const byEmail = new Map(listed.map((u) => [u.email.toLowerCase(), u]));
  for (const draft of drafts.values()) {
    const found = draft.email ? byEmail.get(draft.email.toLowerCase()) : undefined;
    if (!found) continue;
    draft.userId ??= found.id;
    if (draft.orgId === null && draft.name !== 'orgless') draft.orgId = found.orgId;
    if (isMemberName(draft.name) && found.orgRole !== memberRoleValue(draft.name)) {
      notes.push(
        `The list shows ${draft.name} (${draft.email}) with orgRole ${String(found.orgRole)}; the suite expects ${memberRoleValue(draft.name)} for a principal of that name.`,
      );
    }
  }
}

async function listUsers(input: ResolveInput, lister: Draft): Promise<ListedUser[]> {
  const op = operation(input.spec, OP.listUsers);
  const exchange = await input.http.send(
    { method: op.method, path: operationPath(op), authorization: { value: `Bearer ${lister.token}`, label: `Bearer <${lister.name}'s token>` } },
    setupOp(op.operationId, lister.name),
  );
  const data = bodyField(exchange, 'data');
  if (exchange.response?.status !== 200 || !Array.isArray(data)) return [];
  return data.filter(
    (u): u is ListedUser => typeof u === 'object' && u !== null && typeof (u as ListedUser).id === 'string' && typeof (u as ListedUser).email === 'string',
  );
}

function assignRoles(drafts: Map<CredentialName, Draft>, notes: string[]): void {
  for (const name of MEMBER_NAMES) {
    const draft = drafts.get(name);
    if (!draft) continue;
    const role = memberRoleValue(name);
    if (draft.role !== undefined && draft.role !== role)
      notes.push(`${name} was given role ${String(draft.role)}; the suite uses ${role}, the role the name stands for.`);
    draft.role = role;
  }
  const orgless = drafts.get('orgless');
  if (orgless) {
    orgless.role = null;
    orgless.orgId = null;
  }
}

/**
 * The outsider's role only decides its list and create cells in its own organization. Asked of the
 * target when not given: its own user record (R6: WORKSPACES or higher may read it). A 403 there
 * means below WORKSPACES, where USER and BILLING get the same answer from every operation.
 */
async function resolveOutsiderRole(input: ResolveInput, outsider: Draft | undefined, notes: string[]): Promise<void> {
  if (!outsider?.token || outsider.role !== undefined || !outsider.userId) return;
  const op = operation(input.spec, OP.getUser);
  const exchange = await input.http.send(
    {
      method: op.method,
      path: operationPath(op, { userId: outsider.userId }),
      authorization: { value: `Bearer ${outsider.token}`, label: "Bearer <outsider's token>" },
    },
    setupOp(op.operationId, 'outsider'),
  );
  const orgRole = bodyField(exchange, 'orgRole');
  if (exchange.response?.status === 200 && isRoleValue(orgRole)) outsider.role = orgRole;
  else if (exchange.response?.status === 403) {
    outsider.role = ROLES.USER;
    notes.push('The outsider may not read its own user record, so its role is below WORKSPACES; the suite treats it as USER.');
  } else notes.push('The outsider\'s role is unknown; give "role" in the config to check its list and create cells.');
}

function checkOrganizations(drafts: Map<CredentialName, Draft>): void {
  const outsider = drafts.get('outsider');
  const home = MEMBER_NAMES.map((n) => drafts.get(n)?.orgId).find((id) => id);
  if (outsider?.orgId && home && outsider.orgId === home) {
    throw new SetupError(`The outsider must belong to another organization, but its orgId ${outsider.orgId} is the members' own.`);
  }
  const orgIds = new Set(MEMBER_NAMES.map((n) => drafts.get(n)?.orgId).filter((id): id is string => !!id));
  if (orgIds.size > 1)
    throw new SetupError(`The members (owner, administrator, workspaces, billing, user) must share one organization; got ${[...orgIds].join(', ')}.`);
}
