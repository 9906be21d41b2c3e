/**
 * The catalogue of deliberately broken Tours & Events targets: each one bug a real backend could
 * have, built as a proxy rewrite in front of the Tours mock (tours-proxy.ts), with the kind, check
 * and case the suite must report it under, and the rules of docs/decisions/tours.md it breaks.
 * Grouped by the check that must catch it.
 */
import { createHash } from 'node:crypto';
import type { FailureKind } from '../../../conformance/index.js';
import type { GroupName } from '../../../conformance/profiles/tours/groups.js';
import type { ToursPrincipal, ToursSnapshot } from '../../../src/apis/tours/index.js';
import { answer, DROP, json, pathOf, withJson, type ProxyRequest, type ProxyResponse } from './proxy.js';
import { PERMISSIONS_BROKEN } from './tours-broken-permissions.js';
import { apiKeyOf, asPrincipal, sessionOf, type ToursBreakage, type ToursProxyContext } from './tours-proxy.js';

export interface ToursBrokenCase {
  readonly name: string;
  readonly breakage: ToursBreakage;
  /** The kind and check (group) the suite must report it under. */
  readonly kind: FailureKind;
  readonly check: GroupName;
  /** The case that must catch it, matched against the case id (`group: case name`). */
  readonly caught: RegExp;
  /** What the failure must say, where two bugs meet in one case. */
  readonly says?: RegExp;
  /** The rules of docs/decisions/tours.md the bug breaks (TA3, TR5, ...). */
  readonly rules: readonly string[];
  /** The groups to run: the check's own by default (a short run); more when the bug shows through another group's requests. */
  readonly only?: readonly GroupName[];
}

type Json = Record<string, unknown>;

const API = '/api/organizations';
const MEMBER_PATH = /^\/api\/organizations\/members\/([^/]+)$/;
const SESSION_ONLY = /^\/api\/(api-keys|organizations$|organizations\/(?!me$|me\/|members|roles|invitations)[^/]+$|invitations\/[^/]+\/accept$)/;

const errorOf = (res: ProxyResponse): unknown => (json(res) as Json | undefined)?.error;
const reasonOf = (res: ProxyResponse): unknown => (json(res) as Json | undefined)?.reason;

/** The request carries this principal's own key or session. */
function sentBy(r: ProxyRequest, p: ToursPrincipal): boolean {
  return apiKeyOf(r) === p.apiKey || (apiKeyOf(r) === null && sessionOf(r) === p.sessionToken);
}

/** The kind of credential the request carries (a key wins, TA3). */
function kindOf(r: ProxyRequest): 'apiKey' | 'session' {
  return apiKeyOf(r) !== null ? 'apiKey' : 'session';
}

/** The name of the seeded principal whose credential the request carries. */
function senderName(r: ProxyRequest, ctx: ToursProxyContext): string | undefined {
  return ctx.principals.find((p) => sentBy(r, p))?.name;
}

/**
 * A refusal let through: when `refused(answer, request)` holds for a request sent by one of `who`,
 * the request is redone as `as` with the same kind of credential (a backend that let the first
 * caller do what the second may).
 */
function letThrough(who: readonly string[], refused: (res: ProxyResponse, r: ProxyRequest) => boolean, as: string): ToursBreakage {
  return {
    response: (res, r, ctx) => {
      const name = senderName(r, ctx);
      if (!name || !who.includes(name) || !refused(res, r)) return res;
      return ctx.forward(asPrincipal(r, ctx.principal(as), kindOf(r)));
    },
  };
}

const isGateRefusal = (res: ProxyResponse): boolean => res.status === 403 && reasonOf(res) === undefined;

/** Bugs the permission matrix must catch: who may call what, by which credential (TA3, TA5, TM1, TR2 to TR4, TO2). */
const MATRIX: readonly ToursBrokenCase[] = [
  {
    name: 'a coordinator may update members',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: updateMember as acme-coordinator \((session|key)\) \(TR2\)$/,
    rules: ['TR2'],
    // The coordinator's row of the role table given users.update: only acme-coordinator is affected.
    breakage: letThrough(['acme-coordinator'], (res, r) => r.method === 'PATCH' && MEMBER_PATH.test(pathOf(r)) && isGateRefusal(res), 'acme-admin'),
  },
  {
    name: 'any member passes the "Role: Admin" gate of PATCH /me',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: updateCurrentOrganization as (acme|globex)-(member|coordinator|guide-lead) \((session|key)\) \(TR3\)$/,
    rules: ['TR3'],
    // The gate asks "is a member of the organization?" instead of "owner or admin?": redone by the organization's owner.
    breakage: {
      response: (res, r, ctx) => {
        const p = ctx.principals.find((q) => sentBy(r, q));
        const owner = p?.orgId ? ctx.principals.find((q) => q.orgId === p.orgId && q.role === 'owner') : undefined;
        return owner && r.method === 'PATCH' && pathOf(r) === `${API}/me` && isGateRefusal(res) ? ctx.forward(asPrincipal(r, owner, kindOf(r))) : res;
      },
    },
  },
  {
    name: 'PATCH /me needs every field (a PUT in disguise)',
    kind: 'business',
    check: 'matrix',
    caught: /^matrix: updateCurrentOrganization as (acme-owner|acme-admin|globex-owner) \((session|key)\)$/,
    rules: [], // TO1, but caught by the cells of callers let through, which cite no rule (the lifecycle's PATCH sends every field)
    breakage: {
      response: (res, r) => {
        const body = json(r) as Json | undefined;
        const missing = ['name', 'logo', 'timezone'].find((field) => body && !(field in body));
        return r.method === 'PATCH' && pathOf(r) === `${API}/me` && res.status === 200 && missing
          ? answer(400, { error: `Invalid request body: ${missing} is required` })
          : res;
      },
    },
  },
  {
    name: 'the platform list open to any signed-in user',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: listOrganizations as (acme|globex)-\w+(-\w+)? \(session\) \(TR3, TO2\)$/,
    rules: ['TO2', 'TR3'],
    breakage: {
      response: (res, r, ctx) =>
        r.method === 'GET' && pathOf(r) === API && isGateRefusal(res) ? ctx.forward(asPrincipal(r, ctx.principal('superadmin'), 'session')) : res,
    },
  },
  {
    name: 'a suspended member let through',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: \w+ as acme-suspended \((session|key)\) \(TM1\)$/,
    rules: ['TM1'],
    breakage: letThrough(['acme-suspended'], (res) => res.status === 403 && reasonOf(res) === 'member_suspended', 'acme-member'),
  },
  {
    name: 'a user without an organization gets an empty answer instead of the 403',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: \w+ as orgless \((session|key)\) \(TM1\)$/,
    rules: ['TM1'],
    breakage: {
      response: (res) =>
        res.status === 403 && reasonOf(res) === 'no_organization' ? answer(200, { data: [], total: 0, page: 1, limit: 10, totalPages: 0 }) : res,
    },
  },
];

// --- broad bugs: between them, every cell of the matrix fails against at least one ------------------

/** Bugs that reach most of the matrix (a credential not read, one status for another), so that every cell is seen to fail somewhere. */
const MATRIX_WIDE: readonly ToursBrokenCase[] = [
  {
    name: 'the session cookie is not read (another cookie name)',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: listMembers as acme-owner \(session\)$/,
    rules: ['TA1'],
    only: ['matrix', 'credentials'],
    breakage: {
      request: (r) => {
        const { cookie: _cookie, ...headers } = r.headers;
        return { ...r, headers };
      },
    },
  },
  {
    name: 'API keys are not read (the key middleware is not mounted)',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: listMembers as acme-owner \(key\)$/,
    rules: ['TA4'], // TA1 too, but no case citing TA1 uses a key: the credentials' TA4 cases (a key answered as its user's session) catch it
    only: ['matrix', 'credentials'],
    breakage: {
      request: (r) => {
        if (apiKeyOf(r) === null) return r;
        const { authorization: _authorization, ...headers } = r.headers;
        return { ...r, headers };
      },
    },
  },
  {
    name: 'a refused credential is a 403',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: getCurrentOrganization as (no-credential|not-a-key|unknown-key|unknown-session|expired-key|revoked-key) \(TA3\)$/,
    rules: ['TA3'],
    breakage: { response: (res) => (res.status === 401 ? withJson(res, json(res), 403) : res) },
  },
  {
    name: 'get-session crashes for a signed-in user',
    kind: 'robustness',
    check: 'matrix',
    caught: /^matrix: getSession as acme-owner \(session\)$/,
    rules: ['W3'],
    only: ['matrix', 'robustness'],
    breakage: {
      request: (r) =>
        pathOf(r) === '/api/auth/get-session' && sessionOf(r) !== null && apiKeyOf(r) === null ? answer(500, { error: 'Internal server error' }) : r,
    },
  },
  {
    name: 'sign-out answers 204 without a body',
    kind: 'envelope',
    check: 'matrix',
    caught: /^matrix: signOut as acme-owner \(session\)$/,
    rules: ['TA2'],
    only: ['matrix', 'credentials'],
    breakage: {
      response: (res, r) => (pathOf(r) === '/api/auth/sign-out' && res.status === 200 ? { status: 204, headers: {}, body: '' } : res),
    },
  },
  {
    name: 'sign-in answers 201 Created',
    kind: 'envelope',
    check: 'matrix',
    caught: /^matrix: signInEmail as acme-owner \(session\)$/,
    rules: ['TA2'],
    only: ['matrix', 'credentials'],
    breakage: { response: (res, r) => (pathOf(r) === '/api/auth/sign-in/email' && res.status === 200 ? withJson(res, json(res), 201) : res) },
  },
  {
    name: 'an unknown invitation token is a 410 Gone',
    kind: 'business',
    check: 'matrix',
    caught: /^matrix: getInvitationByToken as no-credential$/,
    rules: ['TI3'],
    only: ['matrix', 'lifecycle'],
    breakage: {
      response: (res, r) =>
        /^\/api\/invitations\/[^/]+(\/accept)?$/.test(pathOf(r)) && res.status === 404 ? withJson(res, { error: 'Invitation expired or invalid' }, 410) : res,
    },
  },
  {
    name: 'a missing record is a 403',
    kind: 'business',
    check: 'matrix',
    caught: /^matrix: (getApiKey|removeMember|deleteRole|getOrganizationById) as (acme-owner|superadmin) \(session\)$/,
    rules: ['TE4'],
    only: ['matrix', 'tenancy'],
    // The lookup is scoped to what the caller may see, and "not visible" is answered as forbidden.
    breakage: {
      response: (res) =>
        res.status === 404 && /not found$/.test(String(errorOf(res))) && errorOf(res) !== 'Not found'
          ? withJson(res, { error: 'Insufficient permissions' }, 403)
          : res,
    },
  },
];

// --- credentials -------------------------------------------------------------------------------

const SIGN_IN = '/api/auth/sign-in/email';
const SIGN_OUT = '/api/auth/sign-out';
const GET_SESSION = '/api/auth/get-session';

/** The request without its Authorization header. */
function withoutKey(r: ProxyRequest): ProxyRequest {
  const { authorization: _authorization, ...headers } = r.headers;
  return { ...r, headers };
}

/** The request with this API key as its bearer value. */
function withKey(r: ProxyRequest, key: string): ProxyRequest {
  return { ...r, headers: { ...r.headers, authorization: `Bearer ${key}` } };
}

/** Bugs the credential checks must catch (TA1 to TA6). */
const CREDENTIALS: readonly ToursBrokenCase[] = [
  {
    name: 'an expired API key accepted',
    kind: 'auth',
    check: 'credentials',
    caught: /^credentials: an API key past its expiresAt: the answer of TA3 on every (read|write) \(TA3\)$/,
    rules: ['TA3'],
    // expiresAt is never compared: the key acts as its user (acme-admin's, in the seed).
    breakage: { request: (r, ctx) => (apiKeyOf(r) === ctx.extras.expiredApiKey ? withKey(r, ctx.principal('acme-admin').apiKey) : r) },
  },
  {
    name: 'a revoked API key answered as an invalid one',
    kind: 'auth',
    check: 'credentials',
    caught: /^credentials: a revoked API key: the answer of TA3 on every (read|write) \(TA3\)$/,
    says: /Received: "Invalid API key"\. Expected: "API key has been revoked"/,
    rules: ['TA3'],
    breakage: { response: (res) => (res.status === 401 && errorOf(res) === 'API key has been revoked' ? withJson(res, { error: 'Invalid API key' }) : res) },
  },
  {
    name: 'a tke_ value of the wrong shape is a 400',
    kind: 'auth',
    check: 'credentials',
    caught: /^credentials: a tke_ value of the wrong shape: the answer of TA3 on every (read|write) \(TA3\)$/,
    rules: ['TA3'],
    breakage: {
      request: (r) => {
        const key = apiKeyOf(r);
        return key?.startsWith('tke_') && !/^tke_(live|test)_[A-Za-z0-9_-]{32}$/.test(key) ? answer(400, { error: 'Invalid request: malformed API key' }) : r;
      },
    },
  },
  {
    name: 'an API key accepted on a session-only route',
    kind: 'auth',
    check: 'credentials',
    caught: /^credentials: an owner of Acme, with an API key: the 403 session_required on every session-only (read|write) \(TA5\)$/,
    rules: ['TA5'],
    only: ['credentials', 'matrix'],
    breakage: {
      // The session check looks at "a credential", not at its kind: the key acts as its user's session.
      request: (r, ctx) => {
        const p = ctx.principals.find((q) => apiKeyOf(r) === q.apiKey);
        return p && SESSION_ONLY.test(pathOf(r)) ? asPrincipal(r, p, 'session') : r;
      },
    },
  },
  {
    name: 'a request with a key and a session judged by the session',
    kind: 'auth',
    check: 'credentials',
    caught: /^credentials: a request with both an API key and a session is judged by the key \(TA3\)$/,
    rules: ['TA3'],
    breakage: { request: (r) => (apiKeyOf(r) !== null && sessionOf(r) !== null ? withoutKey(r) : r) },
  },
  {
    name: "an API key acts as its organization's owner (keys issued per organization)",
    kind: 'role',
    check: 'credentials',
    caught: /^credentials: acme-member: its session and its API key get the same answers to the same reads \(TA4\)$/,
    rules: ['TA4'],
    only: ['credentials', 'lifecycle'],
    breakage: {
      request: async (r, ctx) => {
        if (apiKeyOf(r) === null) return r;
        const caller = await ctx.caller(r);
        const owner = caller?.member ? ctx.principals.find((q) => q.orgId === caller.member?.organizationId && q.role === 'owner') : undefined;
        return owner && caller?.userId !== owner.userId ? withKey(r, owner.apiKey) : r;
      },
    },
  },
  {
    name: 'sign-in tells an unknown email apart',
    kind: 'auth',
    check: 'credentials',
    caught: /^credentials: an unknown email and a wrong password get one and the same 401, and no cookie \(TA2\)$/,
    rules: ['TA2'],
    only: ['credentials', 'matrix'],
    breakage: {
      response: async (res, r, ctx) => {
        if (pathOf(r) !== SIGN_IN || res.status !== 401) return res;
        const email = String((json(r) as Json | undefined)?.email).toLowerCase();
        const known = (await ctx.state()).users.some((u) => u.email.toLowerCase() === email);
        return known ? res : answer(404, { error: 'User not found' });
      },
    },
  },
  {
    name: 'sign-out answers success but the session lives on',
    kind: 'auth',
    check: 'credentials',
    caught: /^credentials: sign-out ends the session: the cookie is refused with a 401 afterwards \(TA2, TA3\)$/,
    rules: ['TA2'],
    breakage: { request: (r) => (pathOf(r) === SIGN_OUT && sessionOf(r) !== null ? answer(200, { success: true }) : r) },
  },
  {
    name: 'the session cookie without HttpOnly',
    kind: 'auth',
    check: 'credentials',
    caught: /^credentials: sign-in answers \{token, user\} and sets the session cookie HttpOnly, SameSite=Lax, Path=\/, which works \(TA1, TA2\)$/,
    rules: ['TA1'],
    breakage: {
      response: (res, r) => {
        const cookie = res.headers['set-cookie'];
        return pathOf(r) === SIGN_IN && cookie ? { ...res, headers: { ...res.headers, 'set-cookie': cookie.replace(/;\s*HttpOnly/i, '') } } : res;
      },
    },
  },
  {
    name: "an API key's lastUsedAt never moves",
    kind: 'business',
    check: 'credentials',
    caught: /^credentials: an API key's lastUsedAt moves when the key is used \(TA6\)$/,
    rules: ['TA6'],
    only: ['credentials', 'lifecycle'],
    breakage: {
      response: (res, r) => {
        if (!pathOf(r).startsWith('/api/api-keys') || res.status >= 300) return res;
        const stale = (k: unknown): unknown => (typeof k === 'object' && k !== null && 'lastUsedAt' in k ? { ...k, lastUsedAt: null } : k);
        const body = json(res) as Json | undefined;
        return withJson(res, Array.isArray(body?.data) ? { ...body, data: body.data.map(stale) } : stale(body));
      },
    },
  },
  {
    name: 'get-session and sign-out refuse a request without a session',
    kind: 'auth',
    check: 'credentials',
    caught: /^credentials: without a session cookie, get-session answers 200 null and sign-out 200 \{success: true\} \(TA2\)$/,
    rules: ['TA2'],
    only: ['credentials', 'matrix'],
    breakage: {
      request: (r) =>
        [GET_SESSION, SIGN_OUT].includes(pathOf(r)) && apiKeyOf(r) === null && sessionOf(r) === null ? answer(401, { error: 'Authentication required' }) : r,
    },
  },
];

// --- permissions -----------------------------------------------------------------------------------

const ROLE_PATH = /^\/api\/organizations\/roles\/([^/]+)$/;

/** The member record a member path names, from the mock's state. */
async function memberNamed(r: ProxyRequest, ctx: ToursProxyContext): Promise<{ state: ToursSnapshot; id: string } | undefined> {
  const id = MEMBER_PATH.exec(pathOf(r))?.[1];
  return id === undefined ? undefined : { state: await ctx.state(), id: decodeURIComponent(id) };
}

/** A member as the API shows it, from the state's records. */
function memberView(state: ToursSnapshot, id: string): Json | undefined {
  const m = state.members.find((x) => x.id === id);
  const u = m && state.users.find((x) => x.id === m.userId);
  return m && u ? { ...m, user: { id: u.id, name: u.name, email: u.email } } : undefined;
}

/** A member update the rules refuse (`refused`), done all the same: written into the state, answered 200 with the member. */
function memberUpdateDoneAnyway(refused: (res: ProxyResponse) => boolean): ToursBreakage {
  return {
    response: async (res, r, ctx) => {
      if (r.method !== 'PATCH' || !refused(res)) return res;
      const named = await memberNamed(r, ctx);
      if (!named) return res;
      const body = (json(r) ?? {}) as Json;
      await ctx.editState((state) => ({
        ...state,
        members: state.members.map((m) =>
          m.id === named.id
            ? {
                ...m,
                ...(typeof body.role === 'string' ? { role: body.role } : {}),
                ...(body.status === 'active' || body.status === 'suspended' ? { status: body.status } : {}),
              }
            : m,
        ),
      }));
      return answer(200, memberView(await ctx.state(), named.id));
    },
  };
}

/** Bugs the permission checks must catch, beside those of tours-broken-permissions.ts (TR1, TR5, TR7, TM2). */
const PERMISSIONS: readonly ToursBrokenCase[] = [
  {
    name: 'escalation unchecked on every grant (a role created or updated, a role assigned, an invitation)',
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: a caller creates, updates and assigns only roles within the permissions it holds/,
    rules: ['TR5'],
    // The grant is checked against the organization's permissions, not the caller's: redone by the owner.
    breakage: {
      response: (res, r, ctx) => {
        if (res.status !== 403 || reasonOf(res) !== 'permission_escalation') return res;
        const p = ctx.principals.find((q) => sentBy(r, q));
        const owner = p?.orgId ? ctx.principals.find((q) => q.orgId === p.orgId && q.role === 'owner') : ctx.principal('acme-owner');
        return owner ? ctx.forward(asPrincipal(r, owner, kindOf(r))) : res;
      },
    },
  },
  {
    name: 'the permission map lies for one API key',
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: the permission map of acme-guide-lead names its role, has every catalogue key and agrees with the gates it meets \(TR7\)$/,
    rules: ['TR7'],
    breakage: {
      response: (res, r, ctx) => {
        const body = json(res) as { role?: unknown; permissions?: Record<string, boolean> } | undefined;
        if (pathOf(r) !== `${API}/me/permissions` || apiKeyOf(r) !== ctx.principal('acme-guide-lead').apiKey || !body?.permissions) return res;
        return withJson(res, { ...body, permissions: Object.fromEntries(Object.keys(body.permissions).map((k) => [k, false])) });
      },
    },
  },
  {
    name: 'the permission map carries a ninth key',
    kind: 'role',
    check: 'permissions',
    caught: /^permissions: a role holding only users\.read opens exactly the operations users\.read gates/,
    rules: ['TR1'],
    breakage: {
      response: (res, r) => {
        const body = json(res) as { permissions?: Record<string, boolean> } | undefined;
        return pathOf(r) === `${API}/me/permissions` && body?.permissions
          ? withJson(res, { ...body, permissions: { ...body.permissions, 'users.export': false } })
          : res;
      },
    },
  },
  {
    name: 'the self rule not applied: an admin changes their own membership',
    kind: 'business',
    check: 'permissions',
    caught: /^permissions: nobody changes their own role or status, an owner or an admin: 422 \(TM2\)$/,
    rules: ['TM2'],
    only: ['permissions', 'lifecycle'],
    breakage: memberUpdateDoneAnyway((res) => res.status === 422 && errorOf(res) === 'You cannot change your own membership'),
  },
];

// --- tenancy ------------------------------------------------------------------------------------

/** The organization of the member, role or invitation a path names, when it exists. */
function recordOrg(state: ToursSnapshot, path: string): string | undefined {
  const m = /^\/api\/organizations\/(members|roles|invitations)\/([^/]+)$/.exec(path);
  if (!m) return undefined;
  const id = decodeURIComponent(m[2] as string);
  const table = m[1] === 'members' ? state.members : m[1] === 'roles' ? state.roles : state.invitations;
  return (table as readonly { id: string; organizationId: string }[]).find((x) => x.id === id)?.organizationId;
}

/** A list of the caller's organization that holds every other organization's records too (the query not scoped by organization). */
function listLeak(list: 'members' | 'roles' | 'invitations'): ToursBreakage {
  return {
    response: async (res, r, ctx) => {
      const body = json(res) as Json | undefined;
      if (r.method !== 'GET' || pathOf(r) !== `${API}/${list}` || res.status !== 200 || !Array.isArray(body?.data)) return res;
      const caller = await ctx.caller(r);
      const home = caller?.member?.organizationId;
      if (!home) return res;
      const state = await ctx.state();
      const foreign: Json[] =
        list === 'members'
          ? state.members.filter((m) => m.organizationId !== home).map((m) => memberView(state, m.id) ?? {})
          : list === 'roles'
            ? state.roles
                .filter((x) => x.organizationId !== home)
                .map(({ organizationId: _org, ...role }) => ({ ...role, scope: 'organization', shadowed: false }))
            : state.invitations
                .filter((i) => i.organizationId !== home)
                .map((i) => ({
                  id: i.id,
                  email: i.email,
                  role: i.role,
                  status: i.status,
                  inviterId: i.inviterId,
                  expiresAt: i.expiresAt,
                  createdAt: i.createdAt,
                }));
      const data = [...(body.data as Json[]), ...foreign];
      return withJson(res, { ...body, data, total: Number(body.total) + foreign.length });
    },
  };
}

/** Bugs the tenancy checks must catch: another organization's records (section 4, step 7; TM1, TA6, TO2). */
const TENANCY: readonly ToursBrokenCase[] = [
  {
    name: "another organization's member answered with a 403",
    kind: 'tenant',
    check: 'tenancy',
    caught: /^tenancy: (updateMember|removeMember) on Globex's member as acme-\w+ by (session|API key) is the 404 of no record, never a 403 \(TM1, TE4\)$/,
    rules: ['TM1'],
    breakage: {
      response: async (res, r, ctx) => {
        if (res.status !== 404 || !MEMBER_PATH.test(pathOf(r))) return res;
        const org = recordOrg(await ctx.state(), pathOf(r));
        return org ? answer(403, { error: 'Insufficient permissions' }) : res;
      },
    },
  },
  {
    name: "another organization's role writable",
    kind: 'tenant',
    check: 'tenancy',
    caught: /^tenancy: (updateRole|deleteRole) on Globex's role as acme-\w+ by (session|API key) is the 404 of no record/,
    rules: [], // section 4, step 7: another organization's record is a 404: no rule id of its own
    breakage: {
      response: async (res, r, ctx) => {
        if (res.status !== 404 || !ROLE_PATH.test(pathOf(r))) return res;
        const org = recordOrg(await ctx.state(), pathOf(r));
        const owner = org && ctx.principals.find((p) => p.orgId === org && p.role === 'owner');
        return owner ? ctx.forward(asPrincipal(r, owner, 'session')) : res;
      },
    },
  },
  {
    name: "another organization's invitation revocable",
    kind: 'tenant',
    check: 'tenancy',
    caught: /^tenancy: (resendInvitation|revokeInvitation) on Globex's invitation as acme-\w+ by (session|API key) is the 404 of no record/,
    rules: [], // section 4, step 7
    breakage: {
      response: async (res, r, ctx) => {
        if (res.status !== 404 || !/^\/api\/organizations\/invitations\/[^/]+$/.test(pathOf(r))) return res;
        const org = recordOrg(await ctx.state(), pathOf(r));
        const owner = org && ctx.principals.find((p) => p.orgId === org && p.role === 'owner');
        return owner ? ctx.forward(asPrincipal(r, owner, 'session')) : res;
      },
    },
  },
  {
    name: "another user's API key readable",
    kind: 'tenant',
    check: 'tenancy',
    caught: /^tenancy: getApiKey on acme-admin's key as acme-owner is the 404 of no key \(TA6\)$/,
    rules: ['TA6'],
    only: ['tenancy', 'lifecycle'],
    breakage: {
      response: async (res, r, ctx) => {
        const id = /^\/api\/api-keys\/([^/]+)$/.exec(pathOf(r))?.[1];
        if (!id || res.status !== 404 || r.method !== 'GET') return res;
        const key = (await ctx.state()).apiKeys.find((k) => k.id === decodeURIComponent(id));
        const owner = key && ctx.principals.find((p) => p.userId === key.userId);
        return owner ? ctx.forward(asPrincipal(r, owner, 'session')) : res;
      },
    },
  },
  {
    name: "the member list holds another organization's members",
    kind: 'tenant',
    check: 'tenancy',
    caught: /^tenancy: the members an Acme member lists are .*none of Globex's \(TM1\)$/,
    rules: ['TM1'],
    breakage: listLeak('members'),
  },
  {
    name: "the role list holds another organization's roles",
    kind: 'tenant',
    check: 'tenancy',
    caught: /^tenancy: the roles an Acme member lists are .*none of Globex's \(TR8\)$/,
    rules: ['TR8'],
    breakage: listLeak('roles'),
  },
  {
    name: "the invitation list holds another organization's invitations",
    kind: 'tenant',
    check: 'tenancy',
    caught: /^tenancy: the invitations an Acme member lists are .*none of Globex's \(TI1\)$/,
    rules: ['TI1'],
    breakage: listLeak('invitations'),
  },
  {
    name: "the platform routes scoped to the Super Admin's own (no) organization",
    kind: 'business',
    check: 'tenancy',
    caught: /^tenancy: a Super Admin reads every organization by its id: the platform routes are not tenant-scoped \(TO2\)$/,
    rules: ['TO2'],
    breakage: {
      request: (r) =>
        r.method === 'GET' && /^\/api\/organizations\/(?!me$|members$|roles$|invitations$)[^/]+$/.test(pathOf(r))
          ? answer(404, { error: 'Organization not found' })
          : r,
    },
  },
];

// --- paging ---------------------------------------------------------------------------------------

const PAGED = new Set([`${API}/members`, `${API}/roles`, `${API}/invitations`, API]);

/** A list answer's envelope rewritten by `edit` (the request's query at hand). */
function editList(edit: (body: Json, query: URLSearchParams) => Json): ToursBreakage {
  return {
    response: (res, r) => {
      const body = json(res) as Json | undefined;
      if (r.method !== 'GET' || !PAGED.has(pathOf(r)) || res.status !== 200 || !Array.isArray(body?.data)) return res;
      return withJson(res, edit(body, new URLSearchParams(r.path.split('?')[1] ?? '')));
    },
  };
}

/** Bugs the paging checks must catch (TE2). */
const PAGING: readonly ToursBrokenCase[] = [
  {
    name: 'totalPages rounded down',
    kind: 'envelope',
    check: 'paging',
    caught: /^paging: listMembers: totalPages is ceil\(total \/ limit\), on a limit where floor and rounding differ \(TE2\)$/,
    rules: ['TE2'],
    breakage: editList((body) => ({ ...body, totalPages: Math.floor(Number(body.total) / Number(body.limit)) })),
  },
  {
    name: 'the limit cap not applied',
    kind: 'envelope',
    check: 'paging',
    caught: /^paging: a limit over 100 on listMembers is lowered to 100, not refused \(TE2\)$/,
    rules: ['TE2'],
    breakage: editList((body, query) => {
      const limit = Number(query.get('limit'));
      return limit > 100 ? { ...body, limit, totalPages: Math.ceil(Number(body.total) / limit) } : body;
    }),
  },
  {
    name: 'the default page size is 20',
    kind: 'envelope',
    check: 'paging',
    caught: /^paging: listMembers without page or limit answers page 1 of 10 \(TE2\)$/,
    rules: ['TE2'],
    breakage: {
      request: (r) =>
        r.method === 'GET' && PAGED.has(pathOf(r)) && !/[?&]limit=/.test(r.path) ? { ...r, path: `${r.path}${r.path.includes('?') ? '&' : '?'}limit=20` } : r,
    },
  },
  {
    name: 'an unknown sortBy ignored',
    kind: 'robustness',
    check: 'paging',
    caught: /^paging: bad page, limit, sortBy and sortDir values on listMembers are the 400 Invalid query \(TE2\)$/,
    rules: ['TE2'],
    breakage: {
      request: (r) => {
        const [path, query = ''] = r.path.split('?');
        const params = new URLSearchParams(query);
        const sortBy = params.get('sortBy');
        if (sortBy === null || ['createdAt', 'name', 'email'].includes(sortBy)) return r;
        params.delete('sortBy');
        return { ...r, path: `${path}?${params.toString()}` };
      },
    },
  },
  {
    name: 'sortDir ignored: members always ascending',
    kind: 'business',
    check: 'paging',
    caught: /^paging: members sorted by (createdAt|name|email), asc and desc, come in that order \(TE2\)$/,
    rules: ['TE2'],
    breakage: { request: (r) => (/[?&]sortDir=desc\b/.test(r.path) ? { ...r, path: r.path.replace('sortDir=desc', 'sortDir=asc') } : r) },
  },
  {
    name: 'lists newest first by default',
    kind: 'business',
    check: 'paging',
    caught: /^paging: (listMembers|listInvitations|listOrganizations) comes oldest first by default/,
    rules: ['TE2', 'TR8'],
    only: ['paging', 'lifecycle'],
    breakage: {
      response: (res, r) => {
        const body = json(res) as Json | undefined;
        if (r.method !== 'GET' || !PAGED.has(pathOf(r)) || /[?&]sortBy=/.test(r.path) || !Array.isArray(body?.data)) return res;
        return withJson(res, { ...body, data: [...(body.data as Json[])].reverse() });
      },
    },
  },
  {
    name: 'a bad page or limit read as the default (no 400)',
    kind: 'robustness',
    check: 'paging',
    caught: /^paging: bad page and limit values on (listRoles|listInvitations|listOrganizations) are the 400 Invalid query \(TE2\)$/,
    rules: ['TE2'],
    breakage: {
      request: (r) => {
        const [path, query = ''] = r.path.split('?');
        if (r.method !== 'GET' || !PAGED.has(path ?? '')) return r;
        const params = new URLSearchParams(query);
        for (const name of ['page', 'limit']) {
          const value = params.get(name);
          if (value !== null && !/^[1-9]\d{0,5}$/.test(value)) params.delete(name);
        }
        return { ...r, path: `${path}?${params.toString()}` };
      },
    },
  },
  {
    name: 'the platform list ignores page',
    kind: 'business',
    check: 'paging',
    caught: /^paging: the pages of listOrganizations hold every item once, in the order of one long page \(TE2\)$/,
    rules: ['TE2'],
    breakage: {
      // Always the first page, labelled with the page asked for.
      request: async (r, ctx) => {
        const [path, query = ''] = r.path.split('?');
        const params = new URLSearchParams(query);
        const page = params.get('page');
        if (r.method !== 'GET' || path !== API || page === null) return r;
        params.delete('page');
        const res = await ctx.forward({ ...r, path: `${path}?${params.toString()}` });
        const body = json(res) as Json | undefined;
        return body && res.status === 200 ? withJson(res, { ...body, page: Number(page) }) : res;
      },
    },
  },
  {
    name: 'a page past the end repeats the last page',
    kind: 'envelope',
    check: 'paging',
    caught: /^paging: a page of listMembers past the end has an empty data and the list's totals \(TE2\)$/,
    rules: ['TE2'],
    breakage: {
      response: (res, r, ctx) => {
        const body = json(res) as Json | undefined;
        if (r.method !== 'GET' || !PAGED.has(pathOf(r)) || !Array.isArray(body?.data) || body.data.length > 0 || Number(body.totalPages) < 1) return res;
        const last = r.path.replace(/([?&])page=\d+/, `$1page=${String(body.totalPages)}`);
        return ctx.forward({ ...r, path: last });
      },
    },
  },
];

// --- lifecycle ------------------------------------------------------------------------------------

const INVITATIONS = `${API}/invitations`;
const LOOKUP = /^\/api\/invitations\/([^/]+)$/;

/** The lookup view of an invitation (TI3), from the state. */
function lookupView(state: ToursSnapshot, invitationId: string): Json | undefined {
  const i = state.invitations.find((x) => x.id === invitationId);
  if (!i) return undefined;
  return {
    organizationName: state.organizations.find((o) => o.id === i.organizationId)?.name,
    inviterName: state.users.find((u) => u.id === i.inviterId)?.name,
    email: i.email,
    role: i.role,
    expiresAt: i.expiresAt,
  };
}

/** The invitation a token was sent for, by the outbox. */
function invitationOfToken(state: ToursSnapshot, token: string): string | undefined {
  return state.outbox.find((e) => e.token === token)?.invitationId;
}

/** Old tokens of resent invitations, kept working: the stale token → its invitation. */
function staleTokensKept(): ToursBreakage {
  return {
    request: async (r, ctx) => {
      const token = LOOKUP.exec(pathOf(r))?.[1] ?? /^\/api\/invitations\/([^/]+)\/accept$/.exec(pathOf(r))?.[1];
      if (!token) return r;
      const state = await ctx.state();
      const id = invitationOfToken(state, decodeURIComponent(token));
      const latest = id && state.outbox.filter((e) => e.invitationId === id).at(-1)?.token;
      return latest && latest !== decodeURIComponent(token) ? { ...r, path: r.path.replace(token, encodeURIComponent(latest)) } : r;
    },
  };
}

/** Bugs the lifecycle checks must catch (TA2, TA4, TA6, TO1, TO2, TM1 to TM3, TR4, TR6, TI1 to TI4). */
const LIFECYCLE: readonly ToursBrokenCase[] = [
  {
    name: 'the invitation token in the create answer',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: an invitation is created pending for 7 days, with no token in the answer \(TI1\)$/,
    rules: ['TI1'],
    breakage: {
      response: async (res, r, ctx) => {
        if (r.method !== 'POST' || pathOf(r) !== INVITATIONS || res.status !== 201) return res;
        const body = json(res) as Json;
        const token = (await ctx.state()).outbox.filter((e) => e.invitationId === body.id).at(-1)?.token;
        return withJson(res, { ...body, token });
      },
    },
  },
  {
    name: 'a resent invitation keeps its old token working',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: resend gives a new token and a later expiry; the old token stops working \(TI2\)$/,
    rules: ['TI2'],
    breakage: staleTokensKept(),
  },
  {
    name: 'a revoked invitation readable by its token',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: unknown, replaced, revoked and used tokens get one identical 404 \(TI3, TI4\)$/,
    rules: ['TI3'],
    breakage: {
      response: async (res, r, ctx) => {
        const token = LOOKUP.exec(pathOf(r))?.[1];
        if (!token || res.status !== 404) return res;
        const state = await ctx.state();
        const id = invitationOfToken(state, decodeURIComponent(token));
        const invitation = id && state.invitations.find((i) => i.id === id);
        return invitation && invitation.status === 'revoked' ? answer(200, lookupView(state, invitation.id)) : res;
      },
    },
  },
  {
    name: 'an invitation accepted with the session of another email',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: an invitation cannot be accepted with the session of another email: email_mismatch \(TI4\)$/,
    rules: ['TI4'],
    breakage: {
      response: async (res, r, ctx) => {
        if (res.status !== 403 || reasonOf(res) !== 'email_mismatch') return res;
        const token = decodeURIComponent(/^\/api\/invitations\/([^/]+)\/accept$/.exec(pathOf(r))?.[1] ?? '');
        const state = await ctx.state();
        const invitation = state.invitations.find((i) => i.id === invitationOfToken(state, token));
        return answer(200, { success: true, organizationId: invitation?.organizationId });
      },
    },
  },
  {
    name: "a removed member's API keys keep working",
    kind: 'auth',
    check: 'lifecycle',
    caught: /^lifecycle: removing a member leaves the user with no organization and revokes their keys \(TM3\)$/,
    rules: ['TM3'],
    breakage: keysSurviveRemoval(),
  },
  {
    name: 'a key acts with the role its user had when it was made',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a role change applies from the member's next request, by session and by key \(TM2, TA4\)$/,
    rules: ['TA4'],
    breakage: staleRoleKeys(),
  },
  {
    name: 'PATCH /me accepts a time zone that is no IANA name',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a bad value is a 422 naming the field, and changes nothing \(TO1\)$/,
    rules: ['TO1'],
    breakage: {
      response: async (res, r, ctx) => {
        const body = json(r) as Json | undefined;
        if (r.method !== 'PATCH' || pathOf(r) !== `${API}/me` || res.status !== 422 || typeof body?.timezone !== 'string' || Object.keys(body).length !== 1)
          return res;
        return ctx.forward({ ...r, method: 'GET', body: '' });
      },
    },
  },
  {
    name: 'a suspended member keeps access',
    kind: 'role',
    check: 'lifecycle',
    caught: /^lifecycle: a suspended member is refused on organization routes until reactivated \(TM2, TM1, TA4\)$/,
    rules: ['TM1'],
    breakage: {
      // Suspension is stored but never read: the member is served as if active.
      request: async (r, ctx) => {
        const caller = await ctx.caller(r);
        if (!caller?.member || caller.member.status !== 'suspended' || caller.principal?.name === 'acme-suspended' || !pathOf(r).startsWith(`${API}/`))
          return r;
        await ctx.editState((state) => ({ ...state, members: state.members.map((m) => (m.id === caller.member?.id ? { ...m, status: 'active' } : m)) }));
        const res = await ctx.forward(r);
        await ctx.editState((state) => ({ ...state, members: state.members.map((m) => (m.id === caller.member?.id ? { ...m, status: 'suspended' } : m)) }));
        return res;
      },
    },
  },
  {
    name: 'keyPrefix of 8 characters',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a new API key is shown in full once, with its 12-character prefix \(TA6, TA1\)$/,
    rules: ['TA6'],
    breakage: {
      response: (res, r) => {
        if (!pathOf(r).startsWith('/api/api-keys') || res.status >= 300) return res;
        const short = (k: unknown): unknown =>
          typeof k === 'object' && k !== null && typeof (k as Json).keyPrefix === 'string'
            ? { ...k, keyPrefix: ((k as Json).keyPrefix as string).slice(0, 8) }
            : k;
        const body = json(res) as Json | undefined;
        return withJson(res, Array.isArray(body?.data) ? { ...body, data: body.data.map(short) } : short(body));
      },
    },
  },
  {
    name: 'a revoked key can be reactivated',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a revoked key is refused and cannot be reactivated \(TA6, TA3\)$/,
    rules: ['TA6'],
    breakage: {
      response: async (res, r, ctx) => {
        const id = /^\/api\/api-keys\/([^/]+)$/.exec(pathOf(r))?.[1];
        if (!id || r.method !== 'PATCH' || res.status !== 422) return res;
        await ctx.editState((state) => ({ ...state, apiKeys: state.apiKeys.map((k) => (k.id === decodeURIComponent(id) ? { ...k, status: 'active' } : k)) }));
        return ctx.forward({ ...r, method: 'GET', body: '' });
      },
    },
  },
  {
    name: 'a role in use can be deleted',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a role still held cannot be deleted; once free it is \(TR6\)$/,
    rules: ['TR6'],
    breakage: { response: (res, r) => (r.method === 'DELETE' && ROLE_PATH.test(pathOf(r)) && res.status === 409 ? answer(200, { success: true }) : res) },
  },
  {
    name: 'a renamed role loses its holders',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a renamed role keeps its holders, under its new name \(TR6\)$/,
    rules: ['TR6'],
    breakage: {
      response: async (res, r, ctx) => {
        const body = json(r) as Json | undefined;
        const id = ROLE_PATH.exec(pathOf(r))?.[1];
        if (r.method !== 'PATCH' || !id || res.status !== 200 || typeof body?.name !== 'string') return res;
        // The members still hold the old name, which is no role any more: they fall back to member.
        const renamed = body.name;
        await ctx.editState((state) => ({ ...state, members: state.members.map((m) => (m.role === renamed ? { ...m, role: 'member' } : m)) }));
        return res;
      },
    },
  },
  {
    name: 'a user already in an organization may accept another invitation',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a user who already belongs to an organization cannot accept an invitation \(TI4\)$/,
    rules: ['TI4'],
    breakage: {
      response: (res, r) =>
        res.status === 409 && /\/accept$/.test(pathOf(r)) && errorOf(res) === 'You are already a member of an organization'
          ? answer(200, { success: true, organizationId: 'x' })
          : res,
    },
  },
  {
    name: 'an invitation expires after 30 days',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: an invitation is created pending for 7 days, with no token in the answer \(TI1\)$/,
    rules: ['TI1'],
    breakage: {
      response: (res, r) => {
        const body = json(res) as Json | undefined;
        if (!pathOf(r).startsWith(INVITATIONS) || res.status >= 300 || typeof body?.expiresAt !== 'string' || typeof body.createdAt !== 'string') return res;
        return withJson(res, { ...body, expiresAt: new Date(Date.parse(body.createdAt) + 30 * 86_400_000).toISOString() });
      },
    },
  },
  {
    name: 'a second pending invitation for the same email accepted',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: an email with a pending invitation, or of a member, cannot be invited again \(TI1\)$/,
    rules: ['TI1'],
    breakage: {
      response: async (res, r, ctx) => {
        if (r.method !== 'POST' || pathOf(r) !== INVITATIONS || res.status !== 409) return res;
        const listed = await ctx.forward({ ...r, method: 'GET', body: '', path: `${INVITATIONS}?limit=100` });
        const email = String((json(r) as Json | undefined)?.email).toLowerCase();
        const found = ((json(listed) as Json | undefined)?.data as Json[] | undefined)?.find((i) => String(i.email).toLowerCase() === email);
        return answer(201, found ?? { id: 'x', email, role: 'member', status: 'pending' });
      },
    },
  },
  {
    name: 'the organization PATCH leaves updatedAt',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: an admin updates the name, time zone and logo; updatedAt moves \(TO1\)$/,
    rules: ['TO1'],
    breakage: {
      response: async (res, r, ctx) => {
        if (pathOf(r) !== `${API}/me` || res.status !== 200) return res;
        const state = await ctx.state();
        const body = json(res) as Json;
        return withJson(res, { ...body, updatedAt: state.organizations.find((o) => o.id === body.id)?.createdAt ?? body.updatedAt });
      },
    },
  },
  {
    name: "the platform list holds only the Super Admin's own organizations (none)",
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: the Super Admin lists every organization, paged \(TO2\)$/,
    rules: ['TO2'],
    breakage: editList((body, _query) => ((body.data as Json[]).some((o) => 'slug' in o) ? { ...body, data: [], total: 0, totalPages: 0 } : body)),
  },
  {
    name: 'a session lasts 30 days',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a session lives from sign-in, 7 days, until sign-out; the ended cookie is refused \(TA2\)$/,
    rules: ['TA2'],
    breakage: {
      response: (res, r) => {
        const body = json(res) as { session?: Json } | null | undefined;
        const session = body?.session;
        if (pathOf(r) !== GET_SESSION || !session || typeof session.expiresAt !== 'string') return res;
        return withJson(res, { ...body, session: { ...session, expiresAt: new Date(Date.parse(session.expiresAt) + 23 * 86_400_000).toISOString() } });
      },
    },
  },
  {
    name: 'a deleted key is only revoked (still listed and readable)',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a deleted key is gone for good \(TA6\)$/,
    rules: ['TA6'],
    breakage: {
      request: async (r, ctx) => {
        if (r.method !== 'DELETE' || !/^\/api\/api-keys\/[^/]+$/.test(pathOf(r))) return r;
        const res = await ctx.forward({
          ...r,
          method: 'PATCH',
          headers: { ...r.headers, 'content-type': 'application/json' },
          body: JSON.stringify({ status: 'revoked' }),
        });
        return res.status === 200 ? answer(200, { success: true }) : res;
      },
    },
  },
  {
    name: 'a key with an expiresAt in the past accepted (the date dropped)',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: an expiresAt in the past is a 422, one in the future is kept \(TA6\)$/,
    rules: ['TA6'],
    breakage: {
      request: (r) => {
        const body = json(r) as Json | undefined;
        const at = body?.expiresAt;
        if (r.method !== 'POST' || pathOf(r) !== '/api/api-keys' || typeof at !== 'string' || Date.parse(at) > Date.now()) return r;
        const { expiresAt: _at, ...rest } = body as Json;
        return { ...r, body: JSON.stringify(rest) };
      },
    },
  },
  {
    name: 'the platform PATCH changes nothing',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: the Super Admin reads, updates and restores an organization by id \(TO2\)$/,
    rules: ['TO2'],
    breakage: {
      request: (r, ctx) =>
        r.method === 'PATCH' && /^\/api\/organizations\/(?!me$)[^/]+$/.test(pathOf(r)) && !MEMBER_PATH.test(pathOf(r)) && !ROLE_PATH.test(pathOf(r))
          ? ctx.forward({ ...r, method: 'GET', body: '' })
          : r,
    },
  },
  {
    name: 'deleting an organization that does not exist answers success',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: deleting an organization that does not exist is a 404 \(TO2\)$/,
    rules: ['TO2'],
    breakage: {
      response: (res, r) => (r.method === 'DELETE' && res.status === 404 && errorOf(res) === 'Organization not found' ? answer(200, { success: true }) : res),
    },
  },
  {
    name: 'an email that has an account cannot be invited',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: orgless, a user with no organization, is invited \(TI1\)$/,
    rules: ['TI1'],
    // The duplicate check looks for a user with the email, not a member of this organization.
    breakage: {
      request: async (r, ctx) => {
        if (r.method !== 'POST' || pathOf(r) !== INVITATIONS) return r;
        const email = String((json(r) as Json | undefined)?.email).toLowerCase();
        const taken = (await ctx.state()).users.some((u) => u.email.toLowerCase() === email);
        return taken ? answer(409, { error: 'A member or pending invitation already exists for this email' }) : r;
      },
    },
  },
  {
    name: 'accepting an invitation gives the coordinator role, whatever was invited',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: the new member is listed with its user, active, in the invited role \(TM1, TI4\)$/,
    rules: ['TI4'],
    breakage: {
      response: async (res, r, ctx) => {
        if (r.method !== 'POST' || !/^\/api\/invitations\/[^/]+\/accept$/.test(pathOf(r)) || res.status !== 200) return res;
        const caller = await ctx.caller(r);
        if (caller)
          await ctx.editState((state) => ({ ...state, members: state.members.map((m) => (m.userId === caller.userId ? { ...m, role: 'coordinator' } : m)) }));
        return res;
      },
    },
  },
  {
    name: 'a new role loses its description',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: an organization role is created with its fields \(TR4\)$/,
    rules: ['TR4'],
    breakage: {
      response: (res, r) =>
        r.method === 'POST' && pathOf(r) === `${API}/roles` && res.status === 201 ? withJson(res, { ...(json(res) as Json), description: null }) : res,
    },
  },
  {
    name: "the permission map of an organization role's holder is all false",
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: a member given the role holds exactly its permissions \(TR4, TR7\)$/,
    rules: ['TR7'],
    // The map is read from the system roles only.
    breakage: {
      response: (res, r) => {
        const body = json(res) as { role?: unknown; permissions?: Record<string, boolean> } | undefined;
        if (pathOf(r) !== `${API}/me/permissions` || !body?.permissions || !String(body.role).startsWith('conf-')) return res;
        return withJson(res, { ...body, permissions: Object.fromEntries(Object.keys(body.permissions).map((k) => [k, false])) });
      },
    },
  },
];

/** Removing a member ends the membership but leaves its user's keys active (the revocation step forgotten). */
function keysSurviveRemoval(): ToursBreakage {
  const userOf = new Map<string, string>();
  return {
    request: async (r, ctx) => {
      const named = r.method === 'DELETE' ? await memberNamed(r, ctx) : undefined;
      const member = named?.state.members.find((m) => m.id === named.id);
      if (named && member) userOf.set(named.id, member.userId);
      return r;
    },
    response: async (res, r, ctx) => {
      const id = MEMBER_PATH.exec(pathOf(r))?.[1];
      const userId = id === undefined ? undefined : userOf.get(decodeURIComponent(id));
      if (r.method !== 'DELETE' || res.status !== 200 || !userId) return res;
      await ctx.editState((state) => ({
        ...state,
        apiKeys: state.apiKeys.map((k) => (k.userId === userId && k.status === 'revoked' ? { ...k, status: 'active' as const } : k)),
      }));
      return res;
    },
  };
}

/** Keys made by the run act with the role their user had when each was made: the role is copied onto the key. */
function staleRoleKeys(): ToursBreakage {
  const roleAtCreation = new Map<string, string>();
  const sha = (value: string): string => createHash('sha256').update(value).digest('hex');
  return {
    request: async (r, ctx) => {
      const key = apiKeyOf(r);
      const role = key && roleAtCreation.get(sha(key));
      if (!key || !role) return r;
      const caller = await ctx.caller(r);
      if (!caller?.member || caller.member.role === role) return r;
      const stand = ctx.principals.find((p) => p.orgId === caller.member?.organizationId && p.role === role && p.name !== 'acme-suspended');
      return stand ? withKey(r, stand.apiKey) : r;
    },
    response: async (res, r, ctx) => {
      if (r.method !== 'POST' || pathOf(r) !== '/api/api-keys' || res.status !== 201) return res;
      const key = (json(res) as Json | undefined)?.key;
      const caller = await ctx.caller(r);
      if (typeof key === 'string' && caller?.member) roleAtCreation.set(sha(key), caller.member.role);
      return res;
    },
  };
}

// --- envelopes ------------------------------------------------------------------------------------

/** Bugs the envelope checks must catch (TE1, TE3, TE4, W2). */
const ENVELOPES: readonly ToursBrokenCase[] = [
  {
    name: 'no X-Request-Id on errors',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every answer of the run carries X-Request-Id, whatever the route, method or status \(TE3\)$/,
    rules: ['TE3'],
    breakage: {
      response: (res) => {
        if (res.status < 400) return res;
        const { 'x-request-id': _id, ...headers } = res.headers;
        return { ...res, headers };
      },
    },
  },
  {
    name: 'the current organization wrapped in {data}',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every getCurrentOrganization answer has a documented status, its schema's JSON body and X-Request-Id \(TE1, TE3\)$/,
    rules: ['TE1'],
    breakage: { response: (res, r) => (r.method === 'GET' && pathOf(r) === `${API}/me` && res.status === 200 ? withJson(res, { data: json(res) }) : res) },
  },
  {
    name: 'timestamps with a local offset',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every timestamp of every answer is ISO 8601 in UTC \(TE3\)$/,
    rules: ['TE3'],
    breakage: {
      response: (res) =>
        res.status < 300 && res.body.includes('.000Z"') ? { ...res, body: res.body.replace(/(\d{2}:\d{2}:\d{2})\.\d{3}Z"/g, '$1+02:00"') } : res,
    },
  },
  {
    name: 'an error with an undocumented reason',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every error answer is \{error, reason\?, retryAfter\?\} with a documented reason \(TE1\)$/,
    rules: ['TE1'],
    breakage: {
      response: (res) =>
        res.status >= 400 && reasonOf(res) === undefined && errorOf(res) !== undefined
          ? withJson(res, { ...(json(res) as Json), reason: 'invalid_request' })
          : res,
    },
  },
  {
    name: 'an unknown path answered as a 200 HTML page',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: an unknown path is a 404 \{error: "Not found"\}, with or without a credential \(TE4, W2\)$/,
    rules: ['W2', 'TE4'],
    breakage: {
      response: (res) =>
        res.status === 404 && errorOf(res) === 'Not found'
          ? { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><title>App</title>' }
          : res,
    },
  },
  {
    name: 'a wrong method is a 404',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: a known path with another method is a 405 MethodNotAllowed whose Allow lists the served methods \(W2\)$/,
    rules: ['W2'],
    breakage: { response: (res) => (res.status === 405 ? answer(404, { error: 'Not found' }) : res) },
  },
  {
    name: 'no X-Request-Id on successful answers (set by the error handler only)',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every \w+ answer has a documented status, its schema's JSON body and X-Request-Id \(TE1, (TE2, )?TE3\)$/,
    rules: ['TE3'],
    breakage: {
      response: (res) => {
        if (res.status >= 300) return res;
        const { 'x-request-id': _id, ...headers } = res.headers;
        return { ...res, headers };
      },
    },
  },
  {
    name: 'no X-Request-Id on a CORS preflight',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: a CORS preflight carries X-Request-Id too \(TE3\)$/,
    rules: ['TE3'],
    breakage: {
      response: (res, r) => {
        if (r.method !== 'OPTIONS') return res;
        const { 'x-request-id': _id, ...headers } = res.headers;
        return { ...res, headers };
      },
    },
  },
];

// --- rate limits ------------------------------------------------------------------------------------

function withoutHeaders(res: ProxyResponse, names: readonly string[]): ProxyResponse {
  return { ...res, headers: Object.fromEntries(Object.entries(res.headers).filter(([k]) => !names.includes(k))) };
}

/** Bugs the rate-limit checks must catch (TL1). */
const RATE_LIMITS: readonly ToursBrokenCase[] = [
  {
    name: 'no rate-limit headers on writes',
    kind: 'envelope',
    check: 'rate-limits',
    caught: /^rate-limits: every answer to a credential that passed steps 1–2 carries X-RateLimit-Limit, -Remaining and -Reset \(TL1\)$/,
    rules: ['TL1'],
    only: ['matrix', 'rate-limits'],
    breakage: { response: (res, r) => (r.method !== 'GET' ? withoutHeaders(res, ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) : res) },
  },
  {
    name: 'rate-limit headers on a 401',
    kind: 'envelope',
    check: 'rate-limits',
    caught: /^rate-limits: a 401, the 403 session_required, an answer to no credential and a public operation carry no rate-limit headers \(TL1\)$/,
    rules: ['TL1'],
    only: ['matrix', 'rate-limits'],
    breakage: {
      response: (res) =>
        res.status === 401
          ? {
              ...res,
              headers: {
                ...res.headers,
                'x-ratelimit-limit': '100',
                'x-ratelimit-remaining': '99',
                'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 60),
              },
            }
          : res,
    },
  },
  {
    name: 'X-RateLimit-Reset in milliseconds',
    kind: 'business',
    check: 'rate-limits',
    caught: /^rate-limits: X-RateLimit-Reset is a Unix time in seconds, after the answer and within its 60-second window \(TL1\)$/,
    rules: ['TL1'],
    breakage: {
      response: (res) =>
        res.headers['x-ratelimit-reset']
          ? { ...res, headers: { ...res.headers, 'x-ratelimit-reset': String(Number(res.headers['x-ratelimit-reset']) * 1000) } }
          : res,
    },
  },
  {
    name: 'X-RateLimit-Remaining stuck at the limit',
    kind: 'business',
    check: 'rate-limits',
    caught: /^rate-limits: X-RateLimit-Remaining goes down with each counted request of a credential within its window \(TL1\)$/,
    rules: ['TL1'],
    breakage: {
      response: (res) =>
        res.headers['x-ratelimit-remaining']
          ? { ...res, headers: { ...res.headers, 'x-ratelimit-remaining': res.headers['x-ratelimit-limit'] ?? '100' } }
          : res,
    },
  },
  {
    name: "a session and its user's key share one window",
    kind: 'business',
    check: 'rate-limits',
    caught: /^rate-limits: each request takes exactly one from its own credential's window: a session and its user's key count apart \(TL1\)$/,
    rules: ['TL1'],
    breakage: {
      // Counted per user: the proxy answers a key's remaining as the user's session would read it (one less per use of either).
      response: (() => {
        const used = new Map<string, number>();
        return async (res: ProxyResponse, r: ProxyRequest, ctx: ToursProxyContext): Promise<ProxyResponse> => {
          if (!res.headers['x-ratelimit-remaining']) return res;
          const caller = await ctx.caller(r);
          if (!caller) return res;
          const n = (used.get(caller.userId) ?? 0) + 1;
          used.set(caller.userId, n);
          return { ...res, headers: { ...res.headers, 'x-ratelimit-remaining': String(Math.max(0, Number(res.headers['x-ratelimit-limit'] ?? 100) - n)) } };
        };
      })(),
    },
  },
];

// --- robustness -----------------------------------------------------------------------------------

const isJsonType = (r: ProxyRequest): boolean => (r.headers['content-type'] ?? '').includes('json');
const INTERNAL = { error: 'Internal server error' };
/** Every field a request body of this API has (section 1's operations); a strict target refuses any other. */
const KNOWN_FIELDS = new Set(['name', 'description', 'permissions', 'logo', 'timezone', 'role', 'status', 'email', 'password', 'expiresAt']);

/** Bugs the robustness checks must catch (W1 to W4, TE3, TE4, the order of checks of section 4). */
const ROBUSTNESS: readonly ToursBrokenCase[] = [
  {
    name: 'a 500 on a body that is not JSON',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a body that is not JSON is a 400 "Invalid request body: not valid JSON" on every operation with a body \(W1, TE4\)$/,
    rules: ['W1', 'W3'],
    breakage: { request: (r) => (r.body !== '' && isJsonType(r) && json(r) === undefined ? answer(500, INTERNAL) : r) },
  },
  {
    name: 'a 500 on a request no check judges by its status',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: no 5xx and no dropped connection anywhere in the run \(W3\)$/,
    says: /^Received: 500 /,
    rules: ['W3'],
    only: ['secrets', 'robustness'],
    // The key list of a user with no organization trips over the missing membership.
    breakage: {
      request: (r, ctx) =>
        r.method === 'GET' && pathOf(r) === '/api/api-keys' && sessionOf(r) === ctx.principal('orgless').sessionToken ? answer(500, INTERNAL) : r,
    },
  },
  {
    name: 'the connection dropped on a deeply nested body',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: odd requests are answered, never with a 5xx or a dropped connection \(W3\)$/,
    rules: ['W3'],
    breakage: { request: (r) => (r.body.startsWith('{"a":{"a":{"a":') ? DROP : r) },
  },
  {
    name: 'a body over 1 MiB answered 400',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a body over 1 MiB is a 413 \(W1\)$/,
    rules: ['W1'],
    breakage: { response: (res) => (res.status === 413 ? answer(400, { error: 'Invalid request body: too large' }) : res) },
  },
  {
    name: 'another content type read as JSON (no 415)',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a body sent as another content type, or none, is a 415 \(W1\)$/,
    rules: ['W1'],
    breakage: {
      request: (r) => (r.body !== '' && !isJsonType(r) && json(r) !== undefined ? { ...r, headers: { ...r.headers, 'content-type': 'application/json' } } : r),
    },
  },
  {
    name: 'the body parsed before the credential',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: the credential, the membership and the gate come before the body \(section 4\)$/,
    rules: [], // section 4: the order of checks has no rule id
    breakage: {
      request: (r) =>
        pathOf(r).startsWith('/api/') && r.body !== '' && isJsonType(r) && json(r) === undefined
          ? answer(400, { error: 'Invalid request body: not valid JSON' })
          : r,
    },
  },
  {
    name: 'a PATCH with no known field answered with the record',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a PATCH body with no known field is the 400 "no fields to update", on every PATCH \(TO1, section 4\)$/,
    rules: ['TO1'],
    only: ['robustness', 'lifecycle'],
    breakage: {
      response: (res, r, ctx) =>
        r.method === 'PATCH' && res.status === 400 && errorOf(res) === 'Invalid request body: no fields to update'
          ? ctx.forward({ ...r, method: 'GET', body: '' })
          : res,
    },
  },
  {
    name: 'a field of the wrong type is a 422',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a field of the wrong type is a 400 that names it \(TE4, section 4\)$/,
    rules: ['TE4'],
    // The shape is checked with the values: a wrong type becomes a value error.
    breakage: {
      request: (r) => {
        const body = json(r);
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return r;
        const field = Object.entries(body as Json).find(
          ([k, v]) => typeof v === 'number' && ['name', 'email', 'description', 'role', 'timezone'].includes(k),
        )?.[0];
        return field ? answer(422, { error: `Invalid ${field}` }) : r;
      },
    },
  },
  {
    name: 'a body without a required field is a 500',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a body without a required field is a 400 that names it \(TE4, section 4\)$/,
    rules: ['TE4', 'W3'],
    breakage: {
      response: (res) => (res.status === 400 && /required|missing/i.test(String(errorOf(res))) ? answer(500, INTERNAL) : res),
    },
  },
  {
    name: 'a JSON array body taken for an empty object',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a JSON body that is not an object is a 400 \(TE4, section 4\)$/,
    rules: ['TE4'],
    breakage: {
      request: (r) => (r.body.trimStart().startsWith('[') && isJsonType(r) && Array.isArray(json(r)) ? answer(422, { error: 'Invalid request body' }) : r),
    },
  },
  {
    name: 'unknown body fields refused (a strict schema)',
    kind: 'business',
    check: 'robustness',
    caught: /^robustness: unknown fields of a body and unknown query parameters are ignored \(TE3\)$/,
    rules: ['TE3'],
    breakage: {
      request: (r) => {
        const body = json(r);
        if (typeof body !== 'object' || body === null || Array.isArray(body)) return r;
        const unknown = Object.keys(body).find((k) => !KNOWN_FIELDS.has(k));
        return unknown && pathOf(r).startsWith('/api/') ? answer(400, { error: `Invalid request body: unknown field ${unknown}` }) : r;
      },
    },
  },
  {
    name: "CORS answered with '*' (no credentials)",
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: an answer to a request from another origin allows that origin with credentials, not '\*' \(W4\)$/,
    rules: ['W4'],
    breakage: {
      response: (res) => {
        if (!res.headers['access-control-allow-origin']) return res;
        const { 'access-control-allow-credentials': _credentials, ...headers } = res.headers;
        return { ...res, headers: { ...headers, 'access-control-allow-origin': '*' } };
      },
    },
  },
  {
    name: 'a CORS preflight that does not allow Authorization',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a CORS preflight from another origin is a 204 allowing it, with credentials, Authorization and Content-Type \(W4\)$/,
    rules: ['W4'],
    breakage: {
      response: (res, r) =>
        r.method === 'OPTIONS' && res.headers['access-control-allow-headers']
          ? { ...res, headers: { ...res.headers, 'access-control-allow-headers': 'Content-Type' } }
          : res,
    },
  },
];

// --- secrets --------------------------------------------------------------------------------------

/** Applies `edit` to each entry of a list answer (`data`), or to a single record. */
function editRecords(res: ProxyResponse, edit: (record: Json) => Json): ProxyResponse {
  const body = json(res) as Json | undefined;
  if (!body) return res;
  return withJson(res, Array.isArray(body.data) ? { ...body, data: (body.data as Json[]).map(edit) } : edit(body));
}

/** Bugs the secrets checks must catch: a key, a hash, a token or a password in an answer (TA2, TA6, TI1). */
const SECRETS: readonly ToursBrokenCase[] = [
  {
    name: 'the key hash in the key list',
    kind: 'envelope',
    check: 'secrets',
    caught: /^secrets: no answer shows the SHA-256 hash of a key \(TA6\)$/,
    rules: ['TA6'],
    breakage: {
      response: async (res, r, ctx) => {
        if (r.method !== 'GET' || !pathOf(r).startsWith('/api/api-keys') || res.status !== 200) return res;
        const keys = (await ctx.state()).apiKeys;
        return editRecords(res, (k) => ({ ...k, keyHash: keys.find((x) => x.id === k.id)?.keyHash }));
      },
    },
  },
  {
    name: 'the full key in the key list (keys stored in plain)',
    kind: 'envelope',
    check: 'secrets',
    caught: /^secrets: no answer shows an API key, but the one-time key of its own 201 \(TA6\)$/,
    rules: ['TA6'],
    breakage: {
      response: (res, r, ctx) => {
        if (r.method !== 'GET' || !pathOf(r).startsWith('/api/api-keys') || res.status !== 200) return res;
        return editRecords(res, (k) => {
          const full = [...ctx.principals.map((p) => p.apiKey), ctx.extras.expiredApiKey, ctx.extras.revokedApiKey].find(
            (key) => typeof k.keyPrefix === 'string' && key.startsWith(k.keyPrefix),
          );
          return full ? { ...k, key: full } : k;
        });
      },
    },
  },
  {
    name: "the keyPrefix is the key's last 12 characters",
    kind: 'envelope',
    check: 'secrets',
    caught: /^secrets: the key list and a key show a 12-character keyPrefix that begins the principal's key, never the key \(TA6\)$/,
    rules: ['TA6'],
    breakage: {
      response: (res, r, ctx) => {
        if (!pathOf(r).startsWith('/api/api-keys') || res.status >= 300) return res;
        return editRecords(res, (k) => {
          const full =
            typeof k.key === 'string'
              ? k.key
              : ctx.principals.map((p) => p.apiKey).find((key) => typeof k.keyPrefix === 'string' && key.startsWith(k.keyPrefix));
          return full && typeof k.keyPrefix === 'string' ? { ...k, keyPrefix: full.slice(-12) } : k;
        });
      },
    },
  },
  {
    name: 'get-session shows the session token',
    kind: 'envelope',
    check: 'secrets',
    caught: /^secrets: no answer shows a session token, but a sign-in its own \(TA2\)$/,
    rules: ['TA2'],
    only: ['credentials', 'secrets'],
    breakage: {
      response: (res, r) => {
        const body = json(res) as { session?: Json } | null | undefined;
        const token = sessionOf(r);
        return pathOf(r) === GET_SESSION && body?.session && token ? withJson(res, { ...body, session: { ...body.session, token } }) : res;
      },
    },
  },
  {
    name: 'invitation tokens in the invitation list',
    kind: 'envelope',
    check: 'secrets',
    caught: /^secrets: no API answer shows an invitation token: it is sent in the email only \(TI1\)$/,
    rules: ['TI1'],
    only: ['paging', 'secrets'],
    breakage: {
      response: async (res, r, ctx) => {
        if (r.method !== 'GET' || pathOf(r) !== INVITATIONS || res.status !== 200) return res;
        const outbox = (await ctx.state()).outbox;
        return editRecords(res, (i) => ({ ...i, token: outbox.filter((e) => e.invitationId === i.id).at(-1)?.token }));
      },
    },
  },
  {
    name: "a member's password in the member list",
    kind: 'envelope',
    check: 'secrets',
    caught: /^secrets: no answer shows a password \(section 2\)$/,
    rules: [], // section 2: no password in an answer has no rule id of its own
    only: ['paging', 'secrets'],
    breakage: {
      response: (res, r, ctx) => {
        if (r.method !== 'GET' || pathOf(r) !== `${API}/members` || res.status !== 200) return res;
        return editRecords(res, (m) => {
          const p = ctx.principals.find((x) => x.userId === m.userId);
          return p ? { ...m, user: { ...(m.user as Json), password: p.password } } : m;
        });
      },
    },
  },
];

export const TOURS_BROKEN_TARGETS: readonly ToursBrokenCase[] = [
  ...MATRIX,
  ...MATRIX_WIDE,
  ...CREDENTIALS,
  ...PERMISSIONS,
  ...PERMISSIONS_BROKEN,
  ...TENANCY,
  ...PAGING,
  ...LIFECYCLE,
  ...ENVELOPES,
  ...ROBUSTNESS,
  ...SECRETS,
  ...RATE_LIMITS,
];
