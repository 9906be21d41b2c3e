/**
 * Broken Tours targets the `permissions` group must catch (one-permission roles, the permission map,
 * shadowing, escalation, system roles, the last owner): each a proxy rewrite in front of the Tours
 * mock (tours-proxy.ts). The group's cases call with sessions and keys they make themselves, so the
 * bugs find their caller in the mock's state (`ctx.caller`), not among the seeded credentials.
 * Listed into the catalogue by tours-broken-targets.ts.
 */
import type { ToursBrokenCase } from './tours-broken-targets.js';
import { answer, json, pathOf, withJson, type ProxyRequest, type ProxyResponse } from './proxy.js';
import { asPrincipal, type ToursBreakage, type ToursProxyContext } from './tours-proxy.js';

type Json = Record<string, unknown>;

const API = '/api/organizations';
/** The routes a permission gates: members, roles, invitations (and their ids). */
const GATED = /^\/api\/organizations\/(members|roles|invitations)(\/[^/]+)?$/;
const SYSTEM_ROLE_ID = /^\/api\/organizations\/roles\/role_[a-z]+$/;

const body = (message: { readonly body: string }): Json | undefined => json(message) as Json | undefined;
const reasonOf = (res: ProxyResponse): unknown => body(res)?.reason;
const isEscalation = (res: ProxyResponse): boolean => res.status === 403 && reasonOf(res) === 'permission_escalation';
const refuseGate = (): ProxyResponse => answer(403, { error: 'Insufficient permissions' });

/** The caller's current role, when it is one the run made (`conf-<run>-...`). */
async function runTimeRole(r: ProxyRequest, ctx: ToursProxyContext): Promise<{ via: 'apiKey' | 'session' } | null> {
  const caller = await ctx.caller(r);
  return caller?.member?.role.startsWith('conf-') ? { via: caller.via } : null;
}

/** Organization roles are not read at the gate (for `via`, or every credential): their holders get none of their permissions. */
function orgRolesIgnored(via: 'apiKey' | null): ToursBreakage {
  return {
    request: async (r, ctx) => {
      if (!GATED.test(pathOf(r))) return r;
      const held = await runTimeRole(r, ctx);
      return held && (via === null || held.via === via) ? refuseGate() : r;
    },
  };
}

/** A refusal the mock gives `refused` is redone as acme-owner with the same kind of credential. */
function redoneAsOwner(refused: (res: ProxyResponse, r: ProxyRequest, ctx: ToursProxyContext) => Promise<boolean> | boolean): ToursBreakage {
  return {
    response: async (res, r, ctx) => {
      if (!(await refused(res, r, ctx))) return res;
      const caller = await ctx.caller(r);
      return ctx.forward(asPrincipal(r, ctx.principal('acme-owner'), caller?.via ?? 'session'));
    },
  };
}

/** Rewrites each row of a role list. */
function roleRows(rewrite: (row: Json) => Json): ToursBreakage {
  return {
    response: (res, r) => {
      const page = body(res);
      if (r.method !== 'GET' || pathOf(r) !== `${API}/roles` || res.status !== 200 || !Array.isArray(page?.data)) return res;
      return withJson(res, { ...page, data: (page.data as Json[]).map(rewrite) });
    },
  };
}

export const PERMISSIONS_BROKEN: readonly ToursBrokenCase[] = [
  {
    name: 'the permission map names the role by its id',
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: the permission map of acme-owner /,
    rules: ['TR7'],
    breakage: {
      response: (res, r) => {
        const map = body(res);
        return pathOf(r) === `${API}/me/permissions` && res.status === 200 && map ? withJson(res, { ...map, role: `role_${String(map.role)}` }) : res;
      },
    },
  },
  {
    name: 'system roles listed with a creation time',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: the role list of (acme|globex):/,
    rules: ['TR8'],
    breakage: roleRows((row) => (row.scope === 'system' ? { ...row, createdAt: '2026-01-01T00:00:00.000Z' } : row)),
  },
  {
    name: 'the role list never marks a system role shadowed',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: (the role list of globex:|an Acme role named coordinator )/,
    rules: ['TR8'],
    breakage: roleRows((row) => ({ ...row, shadowed: false })),
  },
  {
    name: 'the role list shows the system coordinator with users.update, which it does not hold',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: the role list of acme:/,
    rules: ['TR2'],
    breakage: roleRows((row) => (row.id === 'role_coordinator' ? { ...row, permissions: [...(row.permissions as string[]), 'users.update'] } : row)),
  },
  {
    name: 'organization roles are not read at the gate: their holders get no permission',
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: a role holding only users\.read /,
    rules: ['TR4'],
    breakage: orgRolesIgnored(null),
  },
  {
    name: 'an API key keeps the role its user had when it was made',
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: a role holding only roles\.delete /,
    rules: ['TA4'],
    breakage: orgRolesIgnored('apiKey'),
  },
  {
    name: 'users.invite is not a known permission key',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: a role holding only users\.invite /,
    rules: ['TR1'],
    breakage: {
      request: (r) =>
        r.method === 'POST' && pathOf(r) === `${API}/roles` && JSON.stringify(body(r)?.permissions ?? []).includes('"users.invite"')
          ? answer(422, { error: 'Unknown permission: users.invite' })
          : r,
    },
  },
  {
    name: 'a role still held can be deleted',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: a role holding only users\.delete /,
    rules: ['TR6'],
    // The answer claims the deletion; the mock keeps the role, which the end of the run removes.
    breakage: { response: (res, r) => (r.method === 'DELETE' && res.status === 409 ? answer(200, { success: true }) : res) },
  },
  {
    name: 'a shadow role that is held cannot be deleted',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: an Acme role named coordinator /,
    rules: ['TR4', 'TR6'],
    breakage: {
      request: async (r, ctx) => {
        const id = /^\/api\/organizations\/roles\/([^/]+)$/.exec(pathOf(r))?.[1];
        if (r.method !== 'DELETE' || !id) return r;
        const state = await ctx.state();
        const role = state.roles.find((x) => x.id === id);
        const held = role && state.members.some((m) => m.organizationId === role.organizationId && m.role === role.name);
        return role && held && ['owner', 'admin', 'coordinator', 'member'].includes(role.name) ? answer(409, { error: 'Role is assigned to members' }) : r;
      },
    },
  },
  {
    name: 'a duplicate role name is a 422',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: owner and admin are reserved role names/,
    rules: ['TR4'],
    breakage: {
      response: (res, r) => (pathOf(r).startsWith(`${API}/roles`) && res.status === 409 ? withJson(res, body(res), 422) : res),
    },
  },
  {
    name: "shadowing ignored: Globex's coordinator gets the system coordinator's gates",
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: Globex's own coordinator role shadows/,
    rules: ['TR4'],
    breakage: {
      response: async (res, r, ctx) => {
        if (res.status !== 403 || reasonOf(res) !== undefined) return res;
        const caller = await ctx.caller(r);
        return caller?.principal?.name === 'globex-coordinator' ? ctx.forward(asPrincipal(r, ctx.principal('acme-coordinator'), caller.via)) : res;
      },
    },
  },
  {
    name: 'a role may be created with permissions the caller does not hold',
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: a caller creates, updates and assigns only roles within the permissions it holds/,
    rules: ['TR5'],
    breakage: redoneAsOwner((res, r) => r.method === 'POST' && pathOf(r) === `${API}/roles` && isEscalation(res)),
  },
  {
    name: 'an admin may assign owner',
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: only owner assigns owner/,
    rules: ['TR5'],
    breakage: redoneAsOwner(async (res, r, ctx) => isEscalation(res) && (await ctx.caller(r))?.principal?.name === 'acme-admin'),
  },
  {
    name: 'system roles can be changed and deleted',
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: system roles cannot be changed or deleted/,
    rules: ['TR6'],
    // The answer claims the change; the mock's system roles stay as they are.
    breakage: {
      response: (res, r) => (SYSTEM_ROLE_ID.test(pathOf(r)) && res.status === 403 && reasonOf(res) === 'system_role' ? answer(200, { success: true }) : res),
    },
  },
  {
    name: 'the last active owner may be demoted and suspended',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: the last active owner can be neither demoted nor suspended/,
    rules: ['TM2'],
    // The answer claims the change; the mock keeps the owner, so the suite's rescue finds nothing to do.
    breakage: { response: (res) => (res.status === 409 && reasonOf(res) === 'last_owner' ? answer(200, { success: true }) : res) },
  },
  {
    name: 'changing your own membership is a 403',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: nobody changes their own role or status/,
    rules: ['TM2'],
    breakage: {
      response: (res, r) =>
        r.method === 'PATCH' &&
        /^\/api\/organizations\/members\//.test(pathOf(r)) &&
        res.status === 422 &&
        body(res)?.error === 'You cannot change your own membership'
          ? withJson(res, body(res), 403)
          : res,
    },
  },
];
