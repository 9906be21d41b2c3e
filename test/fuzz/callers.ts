/**
 * Who may reach an operation's body: from the spec's `x-access` (credential kinds, tenant, gate) and
 * the seeded principals (`GET /__mock/principals`, with the status and custom roles of the API's
 * fixture file), each credential sent as the spec's security scheme says (a bearer header or a cookie).
 * A caller is "allowed" for an operation when the order of checks lets it past the credential, the
 * tenant and the gate, so that its request is judged on its query and body; the fuzz test asserts that
 * these requests do reach validation (the stage counts), so a wrong guess here fails loudly.
 */
import { readFileSync } from 'node:fs';
import { projectPath, type CredentialKind, type JsonObject, type LoadedSpec, type OperationSpec } from '../../src/contract/index.js';

/** Where each API's principals' fixed facts live (status, custom roles), by the name `--api` takes. */
export const PRINCIPAL_FIXTURES: Readonly<Record<string, string>> = { flashback: 'fixtures/principals.json', tours: 'fixtures/tours-principals.json' };

/** The listing's field holding each kind of credential (the mock's control plane, openapi/mock-control.yaml). */
const CREDENTIAL_FIELDS: Readonly<Record<CredentialKind, string>> = { bearerJwt: 'accessToken', session: 'sessionToken', apiKey: 'apiKey' };

export interface Caller {
  /** `owner` / `acme-admin` with the kind, e.g. `acme-admin (apiKey)`; `anonymous` for none. */
  readonly label: string;
  readonly kind: CredentialKind | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly principal: ListedPrincipal | null;
}

export interface ListedPrincipal {
  readonly name: string;
  readonly role: string | null;
  readonly userId: string;
  readonly orgId: string | null;
  readonly [field: string]: unknown;
}

interface FixtureFile {
  readonly principals: readonly { readonly name: string; readonly status?: string | null }[];
  readonly roles?: readonly { readonly name: string; readonly permissions: readonly string[] }[];
}

/** The headers that carry `value` as the spec's security scheme for `kind` says. */
export function credentialHeaders(spec: LoadedSpec, kind: CredentialKind, value: string): Record<string, string> {
  const schemeName = spec.accessModel.credentials.get(kind);
  const schemes = ((spec.document.components as JsonObject | undefined)?.securitySchemes ?? {}) as Record<string, JsonObject>;
  const scheme = schemeName ? schemes[schemeName] : undefined;
  if (scheme?.type === 'apiKey' && scheme.in === 'cookie') return { cookie: `${String(scheme.name)}=${value}` };
  if (scheme?.type === 'apiKey' && scheme.in === 'header') return { [String(scheme.name).toLowerCase()]: value };
  return { authorization: `Bearer ${value}` };
}

/** Every seeded principal with each credential it holds, and nobody. */
export function callersOf(spec: LoadedSpec, principals: readonly ListedPrincipal[]): Caller[] {
  const callers: Caller[] = [{ label: 'anonymous', kind: null, headers: {}, principal: null }];
  for (const principal of principals) {
    for (const kind of spec.accessModel.credentials.keys()) {
      const value = principal[CREDENTIAL_FIELDS[kind]];
      if (typeof value === 'string' && value !== '') {
        callers.push({ label: `${principal.name} (${kind})`, kind, headers: credentialHeaders(spec, kind, value), principal });
      }
    }
  }
  return callers;
}

export interface AccessFacts {
  /** Role name → its permission keys (the model's system roles, then the fixture's organization roles). */
  readonly permissions: ReadonlyMap<string, readonly string[]>;
  /** Principals whose membership is suspended. */
  readonly suspended: ReadonlySet<string>;
}

export function accessFacts(spec: LoadedSpec, apiName: string): AccessFacts {
  const file = PRINCIPAL_FIXTURES[apiName];
  const fixture: FixtureFile = file ? (JSON.parse(readFileSync(projectPath(file), 'utf8')) as FixtureFile) : { principals: [] };
  const permissions = new Map<string, readonly string[]>();
  const roles = spec.accessModel.roles;
  if (roles.kind === 'system') for (const role of roles.system) permissions.set(role.name, role.permissions);
  for (const role of fixture.roles ?? []) if (!permissions.has(role.name)) permissions.set(role.name, role.permissions);
  const suspended = new Set(fixture.principals.filter((p) => p.status === 'suspended').map((p) => p.name));
  return { permissions, suspended };
}

/** Whether the caller gets past the credential, tenant and gate checks of `op` (x-access), so that its query and body are checked. */
export function reachesBody(spec: LoadedSpec, op: OperationSpec, caller: Caller, facts: AccessFacts): boolean {
  const rule = op.access;
  if (rule.credentials.length === 0) return caller.kind === null;
  if (caller.kind === null) return rule.optional;
  const principal = caller.principal;
  if (!principal || !rule.credentials.includes(caller.kind)) return false;
  if (rule.tenant) {
    if (principal.orgId === null) return false;
    if (rule.tenant.from === 'caller' && spec.accessModel.membership?.suspended && facts.suspended.has(principal.name)) return false;
  }
  const gate = rule.gate;
  if (!gate) return true;
  switch (gate.kind) {
    case 'minRole': {
      const roles = spec.accessModel.roles;
      const rank = roles.kind === 'ranked' ? roles.ranked.find((r) => r.name === principal.role)?.value : undefined;
      return rank !== undefined && rank >= gate.rank;
    }
    case 'permission':
      return principal.role !== null && (facts.permissions.get(principal.role) ?? []).includes(gate.permission);
    case 'roles':
      return principal.role !== null && gate.roles.includes(principal.role);
    case 'platform':
      return principal[gate.flag] === true;
  }
}
