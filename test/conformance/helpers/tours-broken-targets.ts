/**
 * The catalogue of deliberately broken Tours & Events targets: each one bug a real backend could
 * have, built as a proxy rewrite in front of the Tours mock (tours-proxy.ts), with the kind, check
 * and case the suite must report it under, and the rules of docs/decisions/tours.md it breaks.
 * Grouped by the check that must catch it.
 */
import type { FailureKind } from '../../../conformance/index.js';
import type { GroupName } from '../../../conformance/profiles/tours/groups.js';
import type { ToursPrincipal } from '../../../src/apis/tours/index.js';
import { answer, json, pathOf, withJson, type ProxyRequest, type ProxyResponse } from './proxy.js';
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
    name: 'an API key accepted on a session-only route',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: listApiKeys as acme-owner \(key\)$/,
    rules: ['TA5'],
    breakage: {
      // The session check looks at "a credential", not at its kind: the key acts as its user's session.
      request: (r, ctx) => {
        const p = ctx.principals.find((q) => apiKeyOf(r) === q.apiKey);
        return p && SESSION_ONLY.test(pathOf(r)) ? asPrincipal(r, p, 'session') : r;
      },
    },
  },
  {
    name: 'a coordinator may update members',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: updateMember as acme-coordinator \((session|key)\)$/,
    rules: ['TR2'],
    // The coordinator's row of the role table given users.update: only acme-coordinator is affected.
    breakage: letThrough(['acme-coordinator'], (res, r) => r.method === 'PATCH' && MEMBER_PATH.test(pathOf(r)) && isGateRefusal(res), 'acme-admin'),
  },
  {
    name: "shadowing ignored: Globex's coordinator gets the system coordinator's permissions",
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: (listRoles|createInvitation|resendInvitation|revokeInvitation) as globex-coordinator \((session|key)\)$/,
    rules: ['TR4'],
    breakage: letThrough(['globex-coordinator'], isGateRefusal, 'globex-owner'),
  },
  {
    name: 'any member passes the "Role: Admin" gate of PATCH /me',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: updateCurrentOrganization as acme-(member|coordinator|guide-lead) \((session|key)\)$/,
    rules: ['TR3'],
    // The gate asks "is a member of the organization?" instead of "owner or admin?".
    breakage: letThrough(
      ['acme-member', 'acme-coordinator', 'acme-guide-lead'],
      (res, r) => r.method === 'PATCH' && pathOf(r) === `${API}/me` && isGateRefusal(res),
      'acme-owner',
    ),
  },
  {
    name: 'PATCH /me needs every field (a PUT in disguise)',
    kind: 'business',
    check: 'matrix',
    caught: /^matrix: updateCurrentOrganization as (acme-owner|acme-admin|globex-owner) \((session|key)\)$/,
    rules: ['TO1'],
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
    caught: /^matrix: listOrganizations as (acme|globex)-\w+(-\w+)? \(session\)$/,
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
    caught: /^matrix: \w+ as acme-suspended \((session|key)\)$/,
    rules: ['TM1'],
    breakage: letThrough(['acme-suspended'], (res) => res.status === 403 && reasonOf(res) === 'member_suspended', 'acme-member'),
  },
  {
    name: 'a user without an organization gets an empty answer instead of the 403',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: \w+ as orgless \((session|key)\)$/,
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
    rules: ['TA1'],
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
    caught: /^matrix: getCurrentOrganization as (no-credential|not-a-key|unknown-key|unknown-session|expired-key|revoked-key)$/,
    rules: ['TA3'],
    breakage: { response: (res) => (res.status === 401 ? withJson(res, json(res), 403) : res) },
  },
  {
    name: 'get-session and sign-out refuse a request without a session',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: (getSession|signOut) as no-credential$/,
    rules: ['TA2'],
    breakage: {
      request: (r) =>
        ['/api/auth/get-session', '/api/auth/sign-out'].includes(pathOf(r)) && apiKeyOf(r) === null && sessionOf(r) === null
          ? answer(401, { error: 'Authentication required' })
          : r,
    },
  },
  {
    name: 'get-session crashes for a signed-in user',
    kind: 'robustness',
    check: 'matrix',
    caught: /^matrix: getSession as acme-owner \(session\)$/,
    rules: ['TE4'],
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
    rules: ['TA2', 'TE1'],
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
    breakage: { response: (res, r) => (pathOf(r) === '/api/auth/sign-in/email' && res.status === 200 ? withJson(res, json(res), 201) : res) },
  },
  {
    name: 'sign-in tells an unknown email apart',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: signInEmail as no-credential$/,
    rules: ['TA2'],
    breakage: {
      response: async (res, r, ctx) => {
        if (pathOf(r) !== '/api/auth/sign-in/email' || res.status !== 401) return res;
        const email = (json(r) as Json | undefined)?.email;
        const known = (await ctx.state()).users.some((u) => u.email.toLowerCase() === String(email).toLowerCase());
        return known ? res : answer(404, { error: 'User not found' });
      },
    },
  },
  {
    name: 'an unknown invitation token is a 410 Gone',
    kind: 'business',
    check: 'matrix',
    caught: /^matrix: getInvitationByToken as no-credential$/,
    rules: ['TI3'],
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
    // The lookup is scoped to what the caller may see, and "not visible" is answered as forbidden.
    breakage: {
      response: (res) =>
        res.status === 404 && /not found$/.test(String(errorOf(res))) && errorOf(res) !== 'Not found'
          ? withJson(res, { error: 'Insufficient permissions' }, 403)
          : res,
    },
  },
];

export const TOURS_BROKEN_TARGETS: readonly ToursBrokenCase[] = [...MATRIX, ...MATRIX_WIDE];
