/**
 * `x-access-model`, the document-level half of the access vocabulary (openapi/README.md, "The access
 * vocabulary"): the credential kinds an API accepts, its roles (ranked, or named system roles holding
 * permission keys), its permission catalogue and platform flags, and the refusals every operation
 * shares. Roles and permissions are facts of the spec: this module reads them, it holds none.
 */
import { ProblemList, isObject, type JsonPath } from './access-problems.js';

export const CREDENTIAL_KINDS = ['bearerJwt', 'apiKey', 'session'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** A refusal's body text: the message and, where the API has one, the machine-readable reason. */
export interface Refusal {
  readonly message: string;
  readonly reason: string | null;
}

export interface RankedRole {
  readonly name: string;
  readonly value: number;
}

export interface SystemRole {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly permissions: readonly string[];
  /** An organization role may not take this name (TR4). */
  readonly reserved: boolean;
  /** Only callers whose role name is listed may grant it; null: anyone the escalation rules let. */
  readonly assignableBy: readonly string[] | null;
}

export type RoleModel =
  | { readonly kind: 'none' }
  | { readonly kind: 'ranked'; readonly ranked: readonly RankedRole[] }
  | { readonly kind: 'system'; readonly system: readonly SystemRole[]; readonly customShadows: boolean };

export interface Permission {
  readonly key: string;
  readonly description: string;
}

export interface AccessModel {
  /** Credential kind → the name of the security scheme that carries it. */
  readonly credentials: ReadonlyMap<CredentialKind, string>;
  /** The answer to a valid credential of a kind the operation does not accept; null: treated as none (401). */
  readonly wrongCredential: (Refusal & { readonly status: number }) | null;
  /** The 403s of a caller without an organization / with a suspended membership; null: the gate's `denied` answers. */
  readonly membership: { readonly none: Refusal; readonly suspended: Refusal | null } | null;
  readonly roles: RoleModel;
  readonly permissions: readonly Permission[];
  readonly platformFlags: readonly string[];
}

const MODEL_KEYS = ['credentials', 'wrongCredential', 'membership', 'roles', 'permissions', 'platformFlags'];

/** Reads a `{message, reason?}` refusal, reporting what is wrong with it. */
export function readRefusal(problems: ProblemList, raw: unknown, path: JsonPath, extraKeys: readonly string[] = []): Refusal {
  if (!isObject(raw)) {
    problems.add(path, 'must be an object `{message, reason?}`');
    return { message: '', reason: null };
  }
  problems.onlyKeys(raw, path, ['message', 'reason', ...extraKeys]);
  const message = problems.nonEmptyString(raw.message, [...path, 'message']);
  const reason = raw.reason === undefined ? null : problems.nonEmptyString(raw.reason, [...path, 'reason']);
  return { message, reason };
}

/** Reads `x-access-model` of a document; every problem goes to `problems` (rule org-access-model). */
export function collectAccessModel(document: Record<string, unknown>, problems: ProblemList): AccessModel {
  const at: JsonPath = ['x-access-model'];
  const raw = document['x-access-model'];
  const empty: AccessModel = { credentials: new Map(), wrongCredential: null, membership: null, roles: { kind: 'none' }, permissions: [], platformFlags: [] };
  if (!isObject(raw)) {
    problems.add(at, 'the document must have `x-access-model` (the credential kinds and roles of the API)');
    return empty;
  }
  problems.onlyKeys(raw, at, MODEL_KEYS);
  const schemes = ((document.components as Record<string, unknown> | undefined)?.securitySchemes ?? {}) as Record<string, unknown>;

  const credentials = new Map<CredentialKind, string>();
  // An empty map is an API with no credential at all (the mock's control plane).
  if (!isObject(raw.credentials)) {
    problems.add([...at, 'credentials'], `must map each credential kind (${CREDENTIAL_KINDS.join(', ')}) to a security scheme`);
  } else {
    for (const [kind, scheme] of Object.entries(raw.credentials)) {
      const where = [...at, 'credentials', kind];
      if (!(CREDENTIAL_KINDS as readonly string[]).includes(kind))
        problems.add(where, `unknown credential kind "${kind}"; the kinds are ${CREDENTIAL_KINDS.join(', ')}`);
      else if (typeof scheme !== 'string' || !Object.hasOwn(schemes, scheme))
        problems.add(where, `must name a scheme of components.securitySchemes, got ${JSON.stringify(scheme)}`);
      else credentials.set(kind as CredentialKind, scheme);
    }
  }

  let wrongCredential: AccessModel['wrongCredential'] = null;
  if (raw.wrongCredential !== undefined) {
    const where = [...at, 'wrongCredential'];
    const refusal = readRefusal(problems, raw.wrongCredential, where, ['status']);
    const status = isObject(raw.wrongCredential) ? raw.wrongCredential.status : undefined;
    if (status !== 401 && status !== 403) problems.add([...where, 'status'], 'must be 401 or 403');
    wrongCredential = { ...refusal, status: status === 401 ? 401 : 403 };
  }

  let membership: AccessModel['membership'] = null;
  if (raw.membership !== undefined) {
    const where = [...at, 'membership'];
    if (!isObject(raw.membership)) problems.add(where, 'must be an object `{none, suspended?}`');
    else {
      problems.onlyKeys(raw.membership, where, ['none', 'suspended']);
      membership = {
        none: readRefusal(problems, raw.membership.none, [...where, 'none']),
        suspended: raw.membership.suspended === undefined ? null : readRefusal(problems, raw.membership.suspended, [...where, 'suspended']),
      };
    }
  }

  const permissions = readPermissions(problems, raw.permissions, [...at, 'permissions']);
  const roles: RoleModel =
    raw.roles === undefined ? { kind: 'none' } : readRoles(problems, raw.roles, [...at, 'roles'], new Set(permissions.map((p) => p.key)));
  if (roles.kind === 'system' && raw.permissions === undefined)
    problems.add([...at, 'permissions'], 'system roles need the permission catalogue `permissions`');

  const platformFlags: string[] = [];
  if (raw.platformFlags !== undefined) {
    const where = [...at, 'platformFlags'];
    if (!Array.isArray(raw.platformFlags)) problems.add(where, 'must be a list of `{name, description}`');
    else
      raw.platformFlags.forEach((flag: unknown, i) => {
        if (!isObject(flag)) return problems.add([...where, i], 'must be `{name, description}`');
        problems.onlyKeys(flag, [...where, i], ['name', 'description']);
        platformFlags.push(problems.nonEmptyString(flag.name, [...where, i, 'name']));
        problems.nonEmptyString(flag.description, [...where, i, 'description']);
      });
  }
  return { credentials, wrongCredential, membership, roles, permissions, platformFlags };
}

function readPermissions(problems: ProblemList, raw: unknown, at: JsonPath): Permission[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.add(at, 'must be a non-empty list of `{key, description}`');
    return [];
  }
  const seen = new Set<string>();
  return raw.map((entry: unknown, i) => {
    if (!isObject(entry)) {
      problems.add([...at, i], 'must be `{key, description}`');
      return { key: '', description: '' };
    }
    problems.onlyKeys(entry, [...at, i], ['key', 'description']);
    const key = problems.nonEmptyString(entry.key, [...at, i, 'key']);
    if (seen.has(key)) problems.add([...at, i, 'key'], `permission "${key}" is listed twice`);
    seen.add(key);
    return { key, description: problems.nonEmptyString(entry.description, [...at, i, 'description']) };
  });
}

function readRoles(problems: ProblemList, raw: unknown, at: JsonPath, catalogue: ReadonlySet<string>): RoleModel {
  if (!isObject(raw)) {
    problems.add(at, 'must be an object with `ranked` or `system`');
    return { kind: 'none' };
  }
  problems.onlyKeys(raw, at, ['ranked', 'system', 'custom']);
  if ((raw.ranked === undefined) === (raw.system === undefined)) {
    problems.add(at, 'must have exactly one of `ranked` (ranked roles) and `system` (named roles with permissions)');
    return { kind: 'none' };
  }
  if (raw.ranked !== undefined) {
    if (raw.custom !== undefined) problems.add([...at, 'custom'], 'organization-defined roles need `system` roles to shadow');
    return { kind: 'ranked', ranked: readRanked(problems, raw.ranked, [...at, 'ranked']) };
  }
  let customShadows = false;
  if (raw.custom !== undefined) {
    if (!isObject(raw.custom) || typeof raw.custom.shadows !== 'boolean') problems.add([...at, 'custom'], 'must be `{shadows: true|false}`');
    else {
      problems.onlyKeys(raw.custom, [...at, 'custom'], ['shadows']);
      customShadows = raw.custom.shadows;
    }
  }
  return { kind: 'system', system: readSystem(problems, raw.system, [...at, 'system'], catalogue), customShadows };
}

function readRanked(problems: ProblemList, raw: unknown, at: JsonPath): RankedRole[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.add(at, 'must be a non-empty list of `{name, value}`, lowest first');
    return [];
  }
  const roles: RankedRole[] = [];
  raw.forEach((entry: unknown, i) => {
    if (!isObject(entry)) return problems.add([...at, i], 'must be `{name, value}`');
    problems.onlyKeys(entry, [...at, i], ['name', 'value']);
    const name = problems.nonEmptyString(entry.name, [...at, i, 'name']);
    const value = entry.value;
    if (typeof value !== 'number' || !Number.isInteger(value)) return problems.add([...at, i, 'value'], 'must be an integer');
    const previous = roles[roles.length - 1];
    if (previous && value <= previous.value) problems.add([...at, i, 'value'], 'ranked roles must be listed lowest first, each value above the one before');
    if (roles.some((r) => r.name === name)) problems.add([...at, i, 'name'], `role "${name}" is listed twice`);
    roles.push({ name, value });
  });
  return roles;
}

function readSystem(problems: ProblemList, raw: unknown, at: JsonPath, catalogue: ReadonlySet<string>): SystemRole[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.add(at, 'must be a non-empty list of `{id, name, description, permissions}`');
    return [];
  }
  const roles: SystemRole[] = raw.map((entry: unknown, i) => {
    const where = [...at, i];
    if (!isObject(entry)) {
      problems.add(where, 'must be `{id, name, description, permissions, reserved?, assignableBy?}`');
      return { id: '', name: '', description: '', permissions: [], reserved: false, assignableBy: null };
    }
    problems.onlyKeys(entry, where, ['id', 'name', 'description', 'permissions', 'reserved', 'assignableBy']);
    const permissions = problems.stringList(entry.permissions, [...where, 'permissions'], { allowEmpty: true });
    permissions.forEach((key, j) => {
      if (!catalogue.has(key)) problems.add([...where, 'permissions', j], `"${key}" is not in the permission catalogue`);
    });
    if (entry.reserved !== undefined && typeof entry.reserved !== 'boolean') problems.add([...where, 'reserved'], 'must be a boolean');
    return {
      id: problems.nonEmptyString(entry.id, [...where, 'id']),
      name: problems.nonEmptyString(entry.name, [...where, 'name']),
      description: problems.nonEmptyString(entry.description, [...where, 'description']),
      permissions,
      reserved: entry.reserved === true,
      assignableBy: entry.assignableBy === undefined ? null : problems.stringList(entry.assignableBy, [...where, 'assignableBy']),
    };
  });
  const names = new Set<string>();
  roles.forEach((role, i) => {
    if (names.has(role.name)) problems.add([...at, i, 'name'], `role "${role.name}" is listed twice`);
    names.add(role.name);
  });
  roles.forEach((role, i) =>
    role.assignableBy?.forEach((name, j) => {
      if (!names.has(name)) problems.add([...at, i, 'assignableBy', j], `"${name}" is not a system role`);
    }),
  );
  return roles;
}

/** Every role name an operation's gate may name: the ranked roles, or the system roles. */
export function roleNames(model: AccessModel): readonly string[] {
  const roles = model.roles;
  if (roles.kind === 'none') return [];
  return roles.kind === 'ranked' ? roles.ranked.map((r) => r.name) : roles.system.map((r) => r.name);
}
