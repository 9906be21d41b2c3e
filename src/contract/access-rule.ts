/**
 * `x-access`, the operation-level half of the access vocabulary (openapi/README.md, "The access
 * vocabulary"): the credential kinds an operation accepts, its gate, its tenant and target, and the
 * escalation rules that apply. The mock's authorization and the conformance suite's expectations both
 * derive from this one value; every name it uses is checked against the document's `x-access-model`.
 */
import { CREDENTIAL_KINDS, readRefusal, roleNames, type AccessModel, type CredentialKind, type Refusal } from './access-model.js';
import { ProblemList, isObject, type JsonPath } from './access-problems.js';

export type Gate =
  | { readonly kind: 'minRole'; readonly role: string; readonly rank: number }
  | { readonly kind: 'permission'; readonly permission: string }
  | { readonly kind: 'roles'; readonly roles: readonly string[] }
  | { readonly kind: 'platform'; readonly flag: string };

export interface TenantRule {
  /** `caller`: the caller's own organization; `path`: the organization named by the path parameter `param`. */
  readonly from: 'caller' | 'path';
  readonly param: string | null;
  /** How a resource of another organization is answered. */
  readonly foreign: 403 | 404;
  /** The 404 message of an unknown organization (`from: path`). */
  readonly notFound: string | null;
  /** The 403 message of another organization's resource (`foreign: 403`); defaults to the gate's. */
  readonly message: string;
}

export interface TargetRule {
  readonly param: string;
  /** `tenant`: must be the operation's organization's; `caller`: the caller's own; `any`: must only exist. */
  readonly owner: 'tenant' | 'caller' | 'any';
  readonly notFound: string;
}

export const ESCALATION_CHECKS = ['targetRank', 'grantedRank', 'grantedPermissions', 'grantedRole'] as const;
export type EscalationCheck = (typeof ESCALATION_CHECKS)[number];

export interface EscalationRule {
  /** The decision id, e.g. R5 or TR5. */
  readonly rule: string;
  readonly check: EscalationCheck;
  /** The request body field the check reads (all checks but `targetRank`). */
  readonly field: string | null;
  readonly message: string;
  readonly reason: string | null;
}

export interface AccessRule {
  /** The credential kinds the operation accepts; empty for a public operation. */
  readonly credentials: readonly CredentialKind[];
  /** A request with no credential is served (not a 401). */
  readonly optional: boolean;
  /** Derived: a credential is required (a 401 without one). */
  readonly authenticated: boolean;
  readonly gate: Gate | null;
  /** The 403 of a caller the gate refuses. */
  readonly denied: Refusal | null;
  readonly tenant: TenantRule | null;
  readonly target: TargetRule | null;
  readonly escalation: readonly EscalationRule[];
}

/** What the reader needs of the operation besides its `x-access`. */
export interface OperationContext {
  readonly operationId: string;
  readonly pathParams: readonly string[];
  /** The operation's effective `security` (its own, else the document's). */
  readonly security: unknown;
}

const RULE_KEYS = ['credentials', 'optional', 'gate', 'denied', 'tenant', 'target', 'escalation'];
const GATE_KINDS = ['minRole', 'permission', 'roles', 'platform'] as const;
const RANK_CHECKS: readonly EscalationCheck[] = ['targetRank', 'grantedRank'];

/** Reads one operation's `x-access` against the model; every problem goes to `problems` (rule org-access-extension). */
export function collectAccessRule(raw: unknown, op: OperationContext, model: AccessModel, problems: ProblemList, at: JsonPath): AccessRule {
  const none: AccessRule = { credentials: [], optional: false, authenticated: false, gate: null, denied: null, tenant: null, target: null, escalation: [] };
  if (!isObject(raw)) {
    problems.add(at, 'the operation must have `x-access`, an object (its access rule)');
    return none;
  }
  problems.onlyKeys(raw, at, RULE_KEYS);

  const credentials = readCredentials(problems, raw.credentials, [...at, 'credentials'], model);
  if (raw.optional !== undefined && typeof raw.optional !== 'boolean') problems.add([...at, 'optional'], 'must be a boolean');
  const optional = raw.optional === true;
  if (optional && credentials.length === 0) problems.add([...at, 'optional'], 'an optional credential needs `credentials` to name its kinds');
  checkSecurityAgrees(problems, op.security, credentials, optional, model, at);

  const gate = raw.gate === undefined ? null : readGate(problems, raw.gate, [...at, 'gate'], model);
  const denied = raw.denied === undefined ? null : readRefusal(problems, raw.denied, [...at, 'denied']);
  if (gate && !denied) problems.add([...at, 'denied'], 'a gate needs `denied`, the 403 of a caller it refuses');
  const tenant = raw.tenant === undefined ? null : readTenant(problems, raw.tenant, [...at, 'tenant'], op, denied);
  if (tenant?.from === 'caller' && !model.membership && !denied) {
    problems.add([...at, 'denied'], 'without `x-access-model.membership`, a caller with no organization gets `denied`, so it is required here');
  }
  const target = raw.target === undefined ? null : readTarget(problems, raw.target, [...at, 'target'], op);
  if (target?.owner === 'tenant' && !tenant) problems.add([...at, 'target', 'owner'], '`owner: tenant` needs a `tenant`');
  const escalation = raw.escalation === undefined ? [] : readEscalation(problems, raw.escalation, [...at, 'escalation'], model);
  if (escalation.some((e) => e.check === 'targetRank') && !target) problems.add([...at, 'escalation'], '`targetRank` needs a `target`');

  if (credentials.length === 0 && (gate || tenant || escalation.length > 0 || denied)) {
    problems.add(at, 'a public operation (`credentials: []`) has no caller to gate: only `target` is allowed with it');
  }
  return {
    credentials,
    optional,
    authenticated: credentials.length > 0 && !optional,
    gate,
    denied,
    tenant,
    target,
    escalation,
  };
}

function readCredentials(problems: ProblemList, raw: unknown, at: JsonPath, model: AccessModel): CredentialKind[] {
  if (!Array.isArray(raw)) {
    problems.add(at, `must be a list of credential kinds (${CREDENTIAL_KINDS.join(', ')}); [] for a public operation`);
    return [];
  }
  const kinds: CredentialKind[] = [];
  raw.forEach((kind: unknown, i) => {
    if (typeof kind !== 'string' || !model.credentials.has(kind as CredentialKind)) {
      problems.add([...at, i], `${JSON.stringify(kind)} is not a credential kind of x-access-model.credentials (${[...model.credentials.keys()].join(', ')})`);
    } else if (kinds.includes(kind as CredentialKind)) problems.add([...at, i], `"${kind}" is listed twice`);
    else kinds.push(kind as CredentialKind);
  });
  return kinds;
}

/** The operation's `security` must list exactly the schemes of its credential kinds (and `{}` when optional). */
function checkSecurityAgrees(
  problems: ProblemList,
  security: unknown,
  kinds: readonly CredentialKind[],
  optional: boolean,
  model: AccessModel,
  at: JsonPath,
): void {
  const requirements = Array.isArray(security) ? security.filter(isObject) : [];
  const schemes = new Set(requirements.flatMap((r) => Object.keys(r)));
  const anonymous = requirements.some((r) => Object.keys(r).length === 0) || requirements.length === 0;
  const want = new Set(kinds.map((k) => model.credentials.get(k)));
  const same = schemes.size === want.size && [...schemes].every((s) => want.has(s));
  if (!same) {
    problems.add([...at, 'credentials'], `the operation's security names [${[...schemes].join(', ')}] but \`credentials\` gives [${[...want].join(', ')}]`);
  }
  if (kinds.length > 0 && anonymous !== optional) {
    problems.add(
      [...at, optional ? 'optional' : 'credentials'],
      optional
        ? "`optional: true` needs `{}` among the operation's security requirements"
        : "the operation's security allows no credential (`{}` or `security: []`), so set `optional: true` or drop it",
    );
  }
}

function readGate(problems: ProblemList, raw: unknown, at: JsonPath, model: AccessModel): Gate | null {
  const keys = isObject(raw) ? Object.keys(raw) : [];
  if (!isObject(raw) || keys.length !== 1 || !(GATE_KINDS as readonly string[]).includes(keys[0] ?? '')) {
    problems.add(at, `must have exactly one of ${GATE_KINDS.join(', ')}`);
    return null;
  }
  const roles = roleNames(model);
  if (raw.minRole !== undefined) {
    if (model.roles.kind !== 'ranked') return (problems.add([...at, 'minRole'], '`minRole` needs ranked roles (x-access-model.roles.ranked)'), null);
    const role = model.roles.ranked.find((r) => r.name === raw.minRole);
    if (!role) return (problems.add([...at, 'minRole'], `must be one of ${roles.join(', ')}`), null);
    return { kind: 'minRole', role: role.name, rank: role.value };
  }
  if (raw.permission !== undefined) {
    if (!model.permissions.some((p) => p.key === raw.permission)) {
      return (problems.add([...at, 'permission'], `${JSON.stringify(raw.permission)} is not in x-access-model.permissions`), null);
    }
    return { kind: 'permission', permission: raw.permission as string };
  }
  if (raw.roles !== undefined) {
    const named = problems.stringList(raw.roles, [...at, 'roles']);
    named.forEach((name, i) => {
      if (!roles.includes(name)) problems.add([...at, 'roles', i], `"${name}" is not a role of x-access-model.roles`);
    });
    return { kind: 'roles', roles: named };
  }
  if (!model.platformFlags.includes(raw.platform as string)) {
    return (problems.add([...at, 'platform'], `${JSON.stringify(raw.platform)} is not in x-access-model.platformFlags`), null);
  }
  return { kind: 'platform', flag: raw.platform as string };
}

function readTenant(problems: ProblemList, raw: unknown, at: JsonPath, op: OperationContext, denied: Refusal | null): TenantRule | null {
  if (!isObject(raw)) return (problems.add(at, 'must be an object `{from, foreign, ...}`'), null);
  problems.onlyKeys(raw, at, ['from', 'param', 'foreign', 'notFound', 'message']);
  if (raw.from !== 'caller' && raw.from !== 'path') problems.add([...at, 'from'], 'must be caller or path');
  if (raw.foreign !== 403 && raw.foreign !== 404) problems.add([...at, 'foreign'], 'must be 403 or 404');
  let param: string | null = null;
  let notFound: string | null = null;
  if (raw.from === 'path') {
    param = readPathParam(problems, raw.param, [...at, 'param'], op);
    notFound = problems.nonEmptyString(raw.notFound, [...at, 'notFound']);
  } else {
    for (const key of ['param', 'notFound'] as const) if (raw[key] !== undefined) problems.add([...at, key], `only \`from: path\` takes \`${key}\``);
  }
  const message = raw.message === undefined ? (denied?.message ?? null) : problems.nonEmptyString(raw.message, [...at, 'message']);
  if (raw.foreign === 403 && message === null) problems.add([...at, 'message'], '`foreign: 403` needs a message: `message` here or `denied`');
  return { from: raw.from === 'path' ? 'path' : 'caller', param, foreign: raw.foreign === 404 ? 404 : 403, notFound, message: message ?? '' };
}

function readTarget(problems: ProblemList, raw: unknown, at: JsonPath, op: OperationContext): TargetRule | null {
  if (!isObject(raw)) return (problems.add(at, 'must be an object `{param, owner, notFound}`'), null);
  problems.onlyKeys(raw, at, ['param', 'owner', 'notFound']);
  const owner = raw.owner;
  if (owner !== 'tenant' && owner !== 'caller' && owner !== 'any') problems.add([...at, 'owner'], 'must be tenant, caller or any');
  return {
    param: readPathParam(problems, raw.param, [...at, 'param'], op),
    owner: owner === 'caller' || owner === 'any' ? owner : 'tenant',
    notFound: problems.nonEmptyString(raw.notFound, [...at, 'notFound']),
  };
}

function readPathParam(problems: ProblemList, raw: unknown, at: JsonPath, op: OperationContext): string {
  if (typeof raw !== 'string' || !op.pathParams.includes(raw)) {
    problems.add(at, `must name a parameter of the path (${op.pathParams.join(', ') || 'it has none'})`);
    return '';
  }
  return raw;
}

function readEscalation(problems: ProblemList, raw: unknown, at: JsonPath, model: AccessModel): EscalationRule[] {
  if (!Array.isArray(raw) || raw.length === 0) return (problems.add(at, 'must be a non-empty list of `{rule, check, field?, message, reason?}`'), []);
  return raw.flatMap((entry: unknown, i): EscalationRule[] => {
    const where = [...at, i];
    if (!isObject(entry)) return (problems.add(where, 'must be `{rule, check, field?, message, reason?}`'), []);
    const refusal = readRefusal(problems, entry, where, ['rule', 'check', 'field']);
    const rule = problems.nonEmptyString(entry.rule, [...where, 'rule']);
    const check = entry.check as EscalationCheck;
    if (!(ESCALATION_CHECKS as readonly string[]).includes(check))
      return (problems.add([...where, 'check'], `must be one of ${ESCALATION_CHECKS.join(', ')}`), []);
    const ranked = model.roles.kind === 'ranked';
    if (model.roles.kind === 'none') problems.add([...where, 'check'], 'escalation needs roles (x-access-model.roles)');
    else if (RANK_CHECKS.includes(check) !== ranked) {
      problems.add(
        [...where, 'check'],
        `\`${check}\` needs ${ranked ? 'named roles with permissions' : 'ranked roles'}, and this API has ${ranked ? 'ranked roles' : 'named roles'}`,
      );
    }
    const field = check === 'targetRank' ? null : problems.nonEmptyString(entry.field, [...where, 'field']);
    if (check === 'targetRank' && entry.field !== undefined) problems.add([...where, 'field'], '`targetRank` reads the target, not a body field');
    return [{ rule, check, field, message: refusal.message, reason: refusal.reason }];
  });
}
