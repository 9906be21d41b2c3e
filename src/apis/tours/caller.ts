/**
 * Who is calling, read fresh from the store on every request (TA4: a key acts as its user, with the
 * membership and role the user has now), and the role rules that depend on the spec's
 * `x-access-model`: the system roles and their permissions (TR2), shadowing (TR4), the escalation
 * rule (TR5). Nothing here copies the catalogue or the system roles: they are read from the model.
 */
import type { AccessModel, SystemRole } from '../../contract/index.js';
import type { MemberStatus, RoleRecord } from './records.js';
import type { ToursStore } from './store.js';

export interface EffectiveRole {
  readonly name: string;
  readonly permissions: ReadonlySet<string>;
  /** Where the permissions come from: a system role (TR2) or the organization's own role (TR4). */
  readonly scope: 'system' | 'organization';
  /** The role's id: a system role's fixed id, or the organization role's. */
  readonly id: string;
}

export interface Caller {
  readonly userId: string;
  readonly email: string;
  readonly credential: 'apiKey' | 'session';
  readonly credentialId: string;
  /** The caller's organization, or null (TM1). */
  readonly tenantId: string | null;
  readonly membership: MemberStatus | null;
  readonly memberId: string | null;
  /** The effective role in the caller's organization (TR4 shadowing resolved), or null with none. */
  readonly role: { readonly name: string; readonly permissions: ReadonlySet<string> } | null;
  /** The platform flags of `x-access-model.platformFlags` the user carries (TR3). */
  readonly flags: ReadonlySet<string>;
}

/** The system roles of the model, in the spec's order (TR2); empty for a model without them. */
export function systemRoles(model: AccessModel): readonly SystemRole[] {
  return model.roles.kind === 'system' ? model.roles.system : [];
}

/** The permission catalogue's keys, in the spec's order (TR1). */
export function catalogue(model: AccessModel): readonly string[] {
  return model.permissions.map((p) => p.key);
}

/** Whether an organization role of this name shadows the system role of the same name (TR4): shadowing is on and the name is not reserved. */
export function mayShadow(model: AccessModel, name: string): boolean {
  const shadows = model.roles.kind === 'system' && model.roles.customShadows;
  const system = systemRoles(model).find((r) => r.name === name);
  return shadows && !system?.reserved;
}

/** True when `role` is an organization role that replaces a system role of its name (TR4, TR8). */
export function isShadow(model: AccessModel, role: Pick<RoleRecord, 'name'>): boolean {
  return systemRoles(model).some((r) => r.name === role.name) && mayShadow(model, role.name);
}

/**
 * The role a member with role name `roleName` has in the organization (TR4): the organization's own
 * role of that name where it shadows the system role (owner and admin are never shadowed), else the
 * system role, else the organization's role of a name no system role has. Null for no such role.
 */
export function effectiveRole(store: ToursStore, model: AccessModel, organizationId: string, roleName: string): EffectiveRole | null {
  const system = systemRoles(model).find((r) => r.name === roleName);
  const own = store.roleByName(organizationId, roleName);
  if (own && (!system || mayShadow(model, roleName))) return { name: own.name, permissions: permissionSet(own), scope: 'organization', id: own.id };
  if (system) return { name: system.name, permissions: permissionSet(system), scope: 'system', id: system.id };
  return null;
}

/** A role's permissions as a set, made once per (frozen) role: every request reads its caller's. */
const permissionSets = new WeakMap<object, ReadonlySet<string>>();
function permissionSet(role: { readonly permissions: readonly string[] }): ReadonlySet<string> {
  let set = permissionSets.get(role);
  if (!set) permissionSets.set(role, (set = new Set(role.permissions)));
  return set;
}

export interface CallerCredential {
  readonly userId: string;
  readonly credential: 'apiKey' | 'session';
  readonly credentialId: string;
}

/** A caller made from a credential, and the revisions of the tables it was read from. */
interface KnownCaller {
  readonly caller: Caller;
  readonly users: number;
  readonly members: number;
  readonly roles: number;
}

/** Callers by credential id, per store: kept while the users, members and roles they were read from are unchanged. */
const knownCallers = new WeakMap<ToursStore, Map<string, KnownCaller>>();
const KNOWN_CALLERS_MAX = 1024;

/**
 * TA4: the caller behind a verified credential, as the store has it now; null when the user does not
 * exist. Read afresh whenever the users, members or roles changed since the credential's last use
 * (any change of theirs bumps a table's revision), so a role change takes effect on the next request;
 * otherwise the caller of the last use is the caller now, and a request of a known credential reads
 * no membership, role or flag.
 */
export function callerFor(store: ToursStore, model: AccessModel, credential: CallerCredential): Caller | null {
  let byCredential = knownCallers.get(store);
  if (!byCredential) knownCallers.set(store, (byCredential = new Map<string, KnownCaller>()));
  const known = byCredential.get(credential.credentialId);
  if (
    known !== undefined &&
    known.users === store.users.revision &&
    known.members === store.members.revision &&
    known.roles === store.roles.revision &&
    known.caller.userId === credential.userId &&
    known.caller.credential === credential.credential
  ) {
    return known.caller;
  }
  const caller = readCaller(store, model, credential);
  if (caller === null) return null;
  if (byCredential.size >= KNOWN_CALLERS_MAX) byCredential.clear();
  byCredential.set(credential.credentialId, { caller, users: store.users.revision, members: store.members.revision, roles: store.roles.revision });
  return caller;
}

function readCaller(store: ToursStore, model: AccessModel, credential: CallerCredential): Caller | null {
  const user = store.users.get(credential.userId);
  if (!user) return null;
  const member = store.memberOfUser(user.id);
  const role = member ? effectiveRole(store, model, member.organizationId, member.role) : null;
  const userFlags: Readonly<Record<string, boolean>> = { isSuperAdmin: user.isSuperAdmin };
  return Object.freeze({
    userId: user.id,
    email: user.email,
    credential: credential.credential,
    credentialId: credential.credentialId,
    tenantId: member?.organizationId ?? null,
    membership: member?.status ?? null,
    memberId: member?.id ?? null,
    // A member whose role name resolves to nothing (a state import may hold one) holds no permission.
    role: member ? { name: member.role, permissions: role?.permissions ?? new Set<string>() } : null,
    flags: flagSet(model.platformFlags.filter((flag) => userFlags[flag] === true)),
  });
}

/** The flag sets callers share (a user has few flags, and every request reads them): one frozen set per combination. */
const flagSets = new Map<string, ReadonlySet<string>>();
function flagSet(flags: readonly string[]): ReadonlySet<string> {
  const key = flags.join(',');
  let set = flagSets.get(key);
  if (!set) flagSets.set(key, (set = new Set(flags)));
  return set;
}

/** TR5: a role created or updated with `keys` holds only permissions the caller holds. Keys outside the catalogue are the 422 of TR1, not an escalation. */
export function mayGrantPermissions(caller: Caller, keys: readonly string[], model: AccessModel): boolean {
  const known = new Set(catalogue(model));
  return keys.every((key) => !known.has(key) || (caller.role?.permissions.has(key) ?? false));
}

/**
 * TR5: assigning the role named `roleName` in the caller's organization (updating a member,
 * inviting): the role's effective permissions are all the caller's, and a role with `assignableBy`
 * (owner) is assigned only by a caller whose role is listed. An unknown role is the 422 of TM2, not an
 * escalation.
 */
export function mayAssignRole(caller: Caller, roleName: string, context: { readonly store: ToursStore; readonly model: AccessModel }): boolean {
  if (caller.tenantId === null) return false;
  const system = systemRoles(context.model).find((r) => r.name === roleName);
  if (system?.assignableBy && !(caller.role !== null && system.assignableBy.includes(caller.role.name))) return false;
  const role = effectiveRole(context.store, context.model, caller.tenantId, roleName);
  return role === null || [...role.permissions].every((key) => caller.role?.permissions.has(key) ?? false);
}
