/**
 * The caller's own organization (TO1, TR7): `getCurrentOrganization`, `updateCurrentOrganization`,
 * `getMyPermissions`; and the update rules of TO1 that `updateOrganizationById` shares (TO2).
 */
import { recordBodies } from '../../../engine/json-body.js';
import { MESSAGES } from '../messages.js';
import type { OrganizationRecord, Schemas } from '../records.js';
import {
  checkFields,
  fail,
  failed,
  length,
  needMember,
  noKnownField,
  nowIso,
  objectBody,
  ok,
  organizationView,
  type ErrorResult,
  type OperationContext,
  type Result,
} from './context.js';

const ORGANIZATION_FIELDS = ['name', 'logo', 'timezone'] as const;

let timeZones: ReadonlySet<string> | undefined;

/** TO1: an IANA zone name, as `Intl.supportedValuesOf('timeZone')` lists them, and `UTC`. */
export function isTimeZone(name: string): boolean {
  timeZones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);
  return timeZones.has(name);
}

/** TO1: an absolute http(s) URL with a host, written with URI characters only, at most 2048 long. */
export function isLogoUrl(value: string): boolean {
  if (value.length > 2048 || !/^https?:\/\//.test(value) || !/^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/.test(value)) return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export interface OrganizationChanges {
  readonly name?: string;
  readonly logo?: string | null;
  readonly timezone?: string;
}

/** The shape of a PATCH body of TO1 (400s): an object with at least one known field, each of its type. */
export function readOrganizationChanges(body: unknown): OrganizationChanges | ErrorResult {
  const fields = objectBody(body);
  if (failed(fields)) return fields;
  const shape =
    checkFields(fields, { name: { type: 'string' }, logo: { type: 'string?null' }, timezone: { type: 'string' } }) ?? noKnownField(fields, ORGANIZATION_FIELDS);
  if (shape) return shape;
  const changes: { -readonly [K in keyof OrganizationChanges]: OrganizationChanges[K] } = {};
  if (fields.name !== undefined) changes.name = fields.name as string;
  if (fields.logo !== undefined) changes.logo = fields.logo as string | null;
  if (fields.timezone !== undefined) changes.timezone = fields.timezone as string;
  return changes;
}

/** The values of TO1 (422s, each naming its field); null when all are allowed. */
export function organizationValueProblem(changes: OrganizationChanges): ErrorResult | null {
  if (changes.name !== undefined && (length(changes.name) < 1 || length(changes.name) > 100)) return fail(422, MESSAGES.nameLength);
  if (changes.logo !== undefined && changes.logo !== null && !isLogoUrl(changes.logo)) return fail(422, MESSAGES.logoUrl);
  if (changes.timezone !== undefined && !isTimeZone(changes.timezone)) return fail(422, MESSAGES.timezone);
  return null;
}

/** Applies checked changes; `updatedAt` moves to now. */
export function applyOrganizationChanges(ctx: OperationContext, org: OrganizationRecord, changes: OrganizationChanges): OrganizationRecord {
  const next: OrganizationRecord = { ...org, ...changes, updatedAt: nowIso(ctx) };
  ctx.store.write(() => ctx.store.organizations.replace(next));
  return next;
}

export function getCurrentOrganization(ctx: OperationContext): Result<Schemas['Organization']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const org = ctx.store.organizations.get(caller.tenantId);
  if (!org) return fail(404, MESSAGES.organizationNotFound);
  return ok(viewOf(org));
}

/** Records are frozen and replaced on change, so a record's view, and its serialisation (the engine's), are good for as long as it lives. */
const viewOf = recordBodies(organizationView);

/** TO1; the "Role: Admin" gate (TR3) is the engine's step 5. */
export function updateCurrentOrganization(ctx: OperationContext): Result<Schemas['Organization']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const changes = readOrganizationChanges(ctx.body);
  if (failed(changes)) return changes;
  const org = ctx.store.organizations.get(caller.tenantId);
  if (!org) return fail(404, MESSAGES.organizationNotFound);
  const problem = organizationValueProblem(changes);
  if (problem) return problem;
  return ok(organizationView(applyOrganizationChanges(ctx, org, changes)));
}

/** TR7: the caller's effective role and every catalogue key mapped to whether it holds it. */
export function getMyPermissions(ctx: OperationContext): Result<Schemas['PermissionMap']> {
  const caller = needMember(ctx);
  if (failed(caller)) return caller;
  const role = caller.role;
  const permissions = Object.fromEntries(ctx.model.permissions.map(({ key }) => [key, role?.permissions.has(key) ?? false]));
  return ok({ role: role?.name ?? '', permissions: permissions as Schemas['PermissionMap']['permissions'] });
}
