/**
 * The catalogue of deliberately broken targets: each one bug a real backend could have, built as
 * a proxy rewrite in front of the mock, with the kind, check and case the suite must report it
 * under. Grouped by the check that must catch it; every check of the suite has at least one.
 */
import type { FailureKind } from '../../../conformance/index.js';
import type { GroupName } from '../../../conformance/profiles/flashback/groups.js';
import {
  answer,
  as,
  bearer,
  DROP,
  json,
  pathOf,
  withJson,
  type Breakage,
  type MockPrincipal,
  type MockUser,
  type ProxyContext,
  type ProxyRequest,
  type ProxyResponse,
} from './proxy.js';

export interface BrokenCase {
  readonly name: string;
  readonly breakage: Breakage;
  /** The kind and check (group) the suite must report it under. */
  readonly kind: FailureKind;
  readonly check: GroupName;
  /** The case that must catch it, matched against the case id (`group: case name`). */
  readonly caught: RegExp;
  /** What the failure must say, where two bugs meet in one case. */
  readonly says?: RegExp;
  /** The groups to run: the check's own by default (a short run); more when the bug shows through another group's requests. */
  readonly only?: readonly GroupName[];
  /**
   * The rules of docs/decisions/flashback.md it breaks. Each must make a case that cites it fail
   * (the proof of docs/conformance-coverage.md); empty for a rule with no id (sections 3 and 4).
   */
  readonly rules: readonly string[];
}

type Json = Record<string, unknown>;

const USER_PATH = /^\/organization\/users\/([^/]+)$/;
const ACTIVATE_PATH = /^\/organization\/users\/([^/]+)\/activate$/;
const ORG_PATH = /^\/organization\/(?!users$)([^/]+)$/;
const UNAUTHORIZED = { success: false, error_code: 'NO_AUTH_USER', message: 'Authentication required' };
const isUser = (v: unknown): v is Json => typeof v === 'object' && v !== null && 'email' in v && 'orgRole' in v;
const isList = (r: ProxyRequest): boolean => r.method === 'GET' && pathOf(r) === '/organization/users';

/** Applies `edit` to every user object of an answer: the bare one, `data`, or each of `data[]`. */
function editUsers(body: unknown, edit: (user: Json) => Json | null): unknown {
  if (isUser(body)) return edit(body);
  if (typeof body !== 'object' || body === null) return body;
  const envelope = body as Json;
  if (Array.isArray(envelope.data)) {
    const data = envelope.data.map((u) => (isUser(u) ? edit(u) : u)).filter((u) => u !== null);
    return { ...envelope, data, ...('total' in envelope ? { total: data.length } : {}) };
  }
  if (isUser(envelope.data)) return { ...envelope, data: edit(envelope.data) };
  return body;
}

/** The `userId` claim of the request's bearer token, read without verifying (tokens are minted afresh per request to /__mock/principals). */
function callerId(r: ProxyRequest): unknown {
  const token = bearer(r);
  if (!token) return undefined;
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Json).userId;
  } catch {
    return undefined;
  }
}

/** The principal whose token the request carries, if any. */
function callerOf(r: ProxyRequest, ctx: ProxyContext): MockPrincipal | undefined {
  const id = callerId(r);
  return id === undefined ? undefined : ctx.principals.find((p) => p.userId === id);
}

function messageOf(res: ProxyResponse): unknown {
  return (json(res) as Json | undefined)?.message;
}

function bodyOf(r: ProxyRequest): Json {
  const body = json(r);
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Json) : {};
}

function withBody(r: ProxyRequest, body: Json): ProxyRequest {
  return { ...r, body: JSON.stringify(body) };
}

/** The user id a user operation aims at (`/organization/users/{id}` or `.../activate`). */
function targetUserId(r: ProxyRequest): string | undefined {
  const id = USER_PATH.exec(pathOf(r))?.[1] ?? ACTIVATE_PATH.exec(pathOf(r))?.[1];
  return id === undefined ? undefined : decodeURIComponent(id);
}

/** What the same caller reads at `path`: a breakage that answers a refused write with the unchanged record. */
function readAs(r: ProxyRequest, ctx: ProxyContext, path: string): Promise<ProxyResponse> {
  const { 'content-type': _type, ...headers } = r.headers;
  return ctx.forward({ method: 'GET', path, headers, body: '' });
}

/** The token of the principal who owns an organization's users: the owner for A, the outsider for B. */
function ownerOf(ctx: ProxyContext, orgId: string | null | undefined): MockPrincipal | undefined {
  return ['owner', 'outsider'].map((n) => ctx.principal(n)).find((p) => p.orgId === orgId);
}

/** The refresh token a refresh or logout body carries (A4 accepts both spellings). */
function refreshTokenOf(r: ProxyRequest): string | undefined {
  const body = bodyOf(r);
  const token = body.refreshToken ?? body.refresh_token;
  return typeof token === 'string' ? token : undefined;
}

const LOGIN_FAILURES = {
  USER_NOT_FOUND: { success: false, error_code: 'USER_NOT_FOUND', message: 'User not found' },
  INVALID_PASSWORD: { success: false, error_code: 'INVALID_PASSWORD', message: 'Invalid password' },
} as const;
const WRITE_FORBIDDEN: Readonly<Record<string, string>> = {
  PUT: 'Insufficient permissions to update users',
  DELETE: 'Insufficient permissions to delete users',
  POST: 'Insufficient permissions to activate users',
};
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A login refused as USER_INACTIVE is let through when `lets(user)`: the proxy answers with a session (the owner's: it cannot mint the user's own). */
function inactiveLogin(lets: (user: MockUser) => boolean): Breakage {
  return {
    response: async (res, r, ctx) => {
      const body = json(res) as Json | undefined;
      if (pathOf(r) !== '/user/login' || body?.error_code !== 'USER_INACTIVE') return res;
      const email = bodyOf(r).email;
      const user = await ctx.user(typeof email === 'string' ? email : '');
      if (!user || !lets(user)) return res;
      const owner = ctx.principal('owner');
      return ctx.forward(withBody(r, { email: owner.email, password: owner.password }));
    },
  };
}

/** A cross-organization write (method on a user path) let through: redone by a member of the target's organization who may. */
function crossOrganizationWrite(method: string, path: RegExp): Breakage {
  return {
    response: async (res, r, ctx) => {
      const id = targetUserId(r);
      if (res.status !== 403 || r.method !== method || !path.test(pathOf(r)) || !id) return res;
      const user = await ctx.user(id);
      const caller = callerOf(r, ctx);
      const owner = ownerOf(ctx, user?.orgId);
      if (!user || !caller || caller.orgId === user.orgId || !owner) return res;
      return ctx.forward(as(r, owner.accessToken));
    },
  };
}

/**
 * Another organization's `/organization/{orgId}` let through (a 403 with `message`, when given, for
 * `method`): redone by the owner of that organization.
 */
function crossOrganizationDetails(method: string, message?: string): Breakage {
  return {
    response: (res, r, ctx) => {
      const orgId = ORG_PATH.exec(pathOf(r))?.[1];
      const member = ownerOf(ctx, orgId && decodeURIComponent(orgId));
      const refused = r.method === method && res.status === 403 && (message === undefined || messageOf(res) === message);
      return refused && member ? ctx.forward(as(r, member.accessToken)) : res;
    },
  };
}

/** A user-path 400 with this message answered as a success instead, with the record as it is. */
function acceptedAnyway(method: string, message: string, success: (record: unknown) => Json): Breakage {
  return {
    response: async (res, r, ctx) => {
      const id = targetUserId(r);
      if (r.method !== method || res.status !== 400 || messageOf(res) !== message || !id) return res;
      const record = await readAs(r, ctx, `/organization/users/${encodeURIComponent(id)}`);
      return answer(200, success(json(record)));
    },
  };
}

/** Bugs the role matrix must catch: who may call what, and authentication (A1 to A4). */
const MATRIX: readonly BrokenCase[] = [
  {
    name: 'BILLING may list users',
    kind: 'role',
    check: 'matrix',
    rules: ['R1'],
    caught: /^matrix: listOrganizationUsers as billing \(R1\)$/,
    breakage: {
      request: (r, ctx) => (isList(r) && callerId(r) === ctx.principal('billing').userId ? as(r, ctx.principal('owner').accessToken) : r),
    },
  },
  {
    name: '401 given for 403',
    kind: 'role',
    check: 'matrix',
    rules: ['U2', 'E3'],
    caught: /^matrix: \w+ as (billing|user|workspaces|outsider|orgless)( \(.*\))?$/,
    breakage: {
      response: (res, r) => (res.status === 403 && r.path.startsWith('/organization') ? answer(401, UNAUTHORIZED, { 'www-authenticate': 'Bearer' }) : res),
    },
  },
  {
    name: 'a wrong 403 message',
    kind: 'message',
    check: 'matrix',
    rules: ['E3'],
    caught: /^matrix: \w+ as (billing|user|workspaces)( \(.*\))?$/,
    breakage: {
      response: (res) => {
        const body = json(res) as Json | undefined;
        return res.status === 403 && typeof body?.message === 'string' ? withJson(res, { ...body, message: 'Forbidden' }) : res;
      },
    },
  },
  {
    name: 'a wrongly signed or unsigned token accepted',
    kind: 'auth',
    check: 'matrix',
    rules: ['A2', 'A5'],
    caught: /^matrix: \w+ as (wrong-signature|alg-none) \(.*\)$/,
    breakage: {
      // Trusts the payload when the signature check fails: whoever the claims name is let in.
      response: async (res, r, ctx) => {
        const named = ctx.principals.find((p) => p.userId === callerId(r) && p.accessToken);
        return res.status === 401 && named ? ctx.forward(as(r, named.accessToken)) : res;
      },
    },
  },
  {
    name: 'no token accepted',
    kind: 'auth',
    check: 'matrix',
    rules: ['A1', 'A2'],
    caught: /^matrix: \w+ as no-token \(.*\)$/,
    breakage: {
      request: (r, ctx) => (r.path.startsWith('/organization') && !r.headers.authorization ? as(r, ctx.principal('owner').accessToken) : r),
    },
  },
  {
    name: 'a token in the query string accepted',
    kind: 'auth',
    check: 'matrix',
    rules: ['A1'],
    caught: /^matrix: a token in the query or a cookie is not read \(A1\)$/,
    breakage: {
      request: (r) => {
        const token = new URL(r.path, 'http://x').searchParams.get('access_token');
        return token && !r.headers.authorization ? as(r, token) : r;
      },
    },
  },
  {
    name: 'the lower-case "bearer" scheme refused',
    kind: 'auth',
    check: 'matrix',
    rules: ['A1'],
    caught: /^matrix: the scheme word is case-insensitive \(A1\)$/,
    breakage: { request: (r) => (/^bearer /.test(r.headers.authorization ?? '') ? answer(401, UNAUTHORIZED, { 'www-authenticate': 'Bearer' }) : r) },
  },
  {
    name: 'a token in a cookie accepted',
    kind: 'auth',
    check: 'matrix',
    rules: ['A1'],
    caught: /^matrix: a token in the query or a cookie is not read \(A1\)$/,
    says: /in a cookie/,
    breakage: {
      request: (r) => {
        const token = /(?:^|;\s*)accessToken=([^;]+)/.exec(r.headers.cookie ?? '')?.[1];
        return token && !r.headers.authorization ? as(r, token) : r;
      },
    },
  },
  {
    name: 'a header without the Bearer scheme accepted',
    kind: 'auth',
    check: 'matrix',
    rules: ['A1', 'A2'],
    caught: /^matrix: \w+ as malformed-header \(.*\)$/,
    breakage: {
      request: (r) => {
        const value = r.headers.authorization;
        return value && !/^bearer\s/i.test(value) && value.split('.').length === 3 ? as(r, value) : r;
      },
    },
  },
  {
    name: 'a token that is not a JWT accepted',
    kind: 'auth',
    check: 'matrix',
    rules: ['A2'],
    caught: /^matrix: \w+ as garbage-token \(.*\)$/,
    breakage: {
      // Any opaque token is looked up in a session table that falls back to the organization's owner.
      request: (r, ctx) => {
        const token = bearer(r);
        return r.path.startsWith('/organization') && token && token.split('.').length !== 3 ? as(r, ctx.principal('owner').accessToken) : r;
      },
    },
  },
  {
    name: 'login of an unknown e-mail is a 404',
    kind: 'auth',
    check: 'matrix',
    rules: ['A3'],
    caught: /^matrix: login as (no-token|malformed-header|garbage-token|wrong-signature|alg-none) \(A3\)$/,
    breakage: {
      response: (res, r) => (pathOf(r) === '/user/login' && (json(res) as Json | undefined)?.error_code === 'USER_NOT_FOUND' ? { ...res, status: 404 } : res),
    },
  },
  {
    name: 'refresh of an unknown token answers the generic 401 body',
    kind: 'auth',
    check: 'matrix',
    rules: ['A4'],
    caught: /^matrix: refreshToken as \S+ \(A4\)$/,
    breakage: {
      response: (res, r) => (pathOf(r) === '/user/refresh' && res.status === 401 ? withJson(res, UNAUTHORIZED) : res),
    },
  },
  (() => {
    // Logout insists on a refresh token it issued (A4: logout is idempotent, an unknown token included).
    const issued = new Set<string>();
    return {
      name: 'logout of an unknown refresh token is a 401',
      kind: 'auth' as const,
      check: 'matrix' as const,
      rules: ['A4'],
      caught: /^matrix: logout as \S+ \(A4\)$/,
      breakage: {
        request: (r) => {
          const token = refreshTokenOf(r);
          return pathOf(r) === '/user/logout' && (!token || !issued.has(token))
            ? answer(401, { success: false, error_code: 'INVALID_REFRESH_TOKEN', message: 'Invalid or expired refresh token' })
            : r;
        },
        response: (res) => {
          const token = (json(res) as Json | undefined)?.refreshToken;
          if (typeof token === 'string') issued.add(token);
          return res;
        },
      } satisfies Breakage,
    };
  })(),
  {
    name: 'roles above 127 read as a signed byte: OWNER and ADMINISTRATOR refused',
    kind: 'role',
    check: 'matrix',
    rules: ['R1'],
    caught: /^matrix: \w+ as (owner|administrator|outsider)( \(.*\))?$/,
    // 255 and 254 stored in an int8 become -1 and -2, below USER: every organization endpoint refuses them.
    breakage: {
      request: async (r, ctx) => {
        const id = callerId(r);
        const caller = typeof id === 'string' && r.path.startsWith('/organization') ? await ctx.user(id) : undefined;
        if (!caller || caller.orgRole < 128) return r;
        const forbidden = r.method === 'GET' ? 'Insufficient permissions to view users' : (WRITE_FORBIDDEN[r.method] ?? 'Insufficient permissions');
        return answer(403, { success: false, data: null, message: forbidden });
      },
    },
  },
  {
    name: 'WORKSPACES may not manage users',
    kind: 'role',
    check: 'matrix',
    rules: ['R1'],
    caught: /^matrix: \w+OrganizationUsers? as workspaces \(R1\)$/,
    only: ['matrix', 'business'], // the same refusal fails the business cases WORKSPACES may pass (R5 below its rank, R7 its own name)
    breakage: {
      request: (r, ctx) =>
        r.path.startsWith('/organization/users') && callerId(r) === ctx.principal('workspaces').userId
          ? answer(403, { success: false, data: null, message: 'Insufficient permissions to view users' })
          : r,
    },
  },
  {
    name: 'the organization readable by ADMINISTRATOR or higher only (O1 broken)',
    kind: 'role',
    check: 'matrix',
    rules: ['O1'],
    caught: /^matrix: getOrganization as (workspaces|billing|user) \(O1\)$/,
    breakage: {
      request: async (r, ctx) => {
        const id = callerId(r);
        if (r.method !== 'GET' || !ORG_PATH.test(pathOf(r)) || typeof id !== 'string') return r;
        const caller = await ctx.user(id);
        return caller && caller.orgRole < 254 ? answer(403, { success: false, data: null, message: 'Insufficient permissions' }) : r;
      },
    },
  },
  {
    name: 'login answers 201 Created',
    kind: 'envelope',
    check: 'matrix',
    rules: ['A3'],
    caught: /^matrix: login as (owner|administrator|workspaces|billing|user|outsider|orgless) \(A3\)$/,
    breakage: { response: (res, r) => (pathOf(r) === '/user/login' && res.status === 200 ? { ...res, status: 201 } : res) },
  },
  {
    name: 'writes refused to OWNER (a manager range that stops at ADMINISTRATOR)',
    kind: 'role',
    check: 'matrix',
    rules: ['R1'],
    caught: /^matrix: (updateOrganization|updateOrganizationUser|deleteOrganizationUser|activateOrganizationUser) as (owner|outsider)( \(.*\))?$/,
    only: ['matrix', 'business'],
    // `role >= WORKSPACES && role <= ADMINISTRATOR` on update, delete and activate; create kept its own check.
    breakage: {
      request: async (r, ctx) => {
        const id = callerId(r);
        const write =
          (r.method === 'PUT' && (ORG_PATH.test(pathOf(r)) || USER_PATH.test(pathOf(r)))) ||
          (r.method === 'DELETE' && USER_PATH.test(pathOf(r))) ||
          (r.method === 'POST' && ACTIVATE_PATH.test(pathOf(r)));
        if (!write || typeof id !== 'string' || (await ctx.user(id))?.orgRole !== 255) return r;
        return answer(403, { success: false, data: null, message: WRITE_FORBIDDEN[r.method] ?? 'Insufficient permissions' });
      },
    },
  },
  {
    name: 'ADMINISTRATOR not counted as a manager',
    kind: 'role',
    check: 'matrix',
    rules: ['R1'],
    caught: /^matrix: \w+ as administrator \(.*\)$/,
    only: ['matrix', 'business'],
    breakage: {
      request: (r, ctx) =>
        r.method !== 'GET' && r.path.startsWith('/organization') && callerId(r) === ctx.principal('administrator').userId
          ? answer(403, { success: false, data: null, message: 'Insufficient permissions' })
          : r,
    },
  },
  {
    name: 'activate answers 204 No Content',
    kind: 'envelope',
    check: 'matrix',
    rules: [], // section 4: the envelope of each endpoint: no rule id
    caught: /^matrix: activateOrganizationUser as (owner|administrator|workspaces) \(R1\)$/,
    breakage: {
      response: (res, r) => (r.method === 'POST' && ACTIVATE_PATH.test(pathOf(r)) && res.status === 200 ? { status: 204, headers: {}, body: '' } : res),
    },
  },
  {
    name: 'a caller with no organization may list users (an empty list)',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: listOrganizationUsers as orgless \(U2\)$/,
    rules: ['U2'],
    breakage: {
      // The list is filtered by the caller's organization, and no organization filters to nothing.
      request: (r, ctx) => (isList(r) && callerId(r) === ctx.principal('orgless').userId ? answer(200, { success: true, data: [], total: 0 }) : r),
    },
  },
];

/** Bugs the envelope checks must catch (section 4, E1). */
const ENVELOPES: readonly BrokenCase[] = [
  {
    name: 'the list has no total',
    kind: 'envelope',
    check: 'envelopes',
    rules: [], // section 4: the envelope of each endpoint: no rule id
    caught: /^envelopes: every listOrganizationUsers response/,
    breakage: {
      response: (res, r) => {
        const body = json(res) as Json | undefined;
        if (!isList(r) || res.status !== 200 || !body) return res;
        const { total: _dropped, ...rest } = body;
        return withJson(res, rest);
      },
    },
  },
  {
    name: 'the single-user GET wrapped in an envelope',
    kind: 'envelope',
    check: 'envelopes',
    rules: [], // section 4: the envelope of each endpoint: no rule id
    caught: /^envelopes: every getOrganizationUser response/,
    breakage: {
      response: (res, r) => (r.method === 'GET' && USER_PATH.test(pathOf(r)) && res.status === 200 ? withJson(res, { success: true, data: json(res) }) : res),
    },
  },
  {
    name: 'a 401 without WWW-Authenticate',
    kind: 'envelope',
    check: 'envelopes',
    rules: ['A2'],
    caught: /^envelopes: every \w+ response matches/,
    breakage: {
      response: (res) => {
        if (res.status !== 401) return res;
        const { 'www-authenticate': _dropped, ...headers } = res.headers;
        return { ...res, headers };
      },
    },
  },
  {
    name: 'answers as text/plain',
    kind: 'envelope',
    check: 'envelopes',
    rules: ['E1'],
    caught: /^envelopes: every \w+ response matches/,
    breakage: { response: (res) => ({ ...res, headers: { ...res.headers, 'content-type': 'text/plain; charset=utf-8' } }) },
  },
  {
    name: 'a validation error answered as an undocumented 422',
    kind: 'envelope',
    check: 'envelopes',
    rules: [], // section 3, step 3: a malformed request is a 400: no rule id
    caught: /^envelopes: every \w+ response matches/,
    breakage: { response: (res, r) => (res.status === 400 && r.path.startsWith('/organization') ? { ...res, status: 422 } : res) },
  },
  {
    name: 'ADMINISTRATOR named OWNER in orgRoleDescription (a name looked up as "the highest role at or above")',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every user shows the name of its role and the roles up to it \(R2, R3\)$/,
    says: /R2: /,
    rules: ['R2'],
    // A valid role name, so the schema passes: only the name of this one role is wrong.
    breakage: {
      response: (res) =>
        withJson(
          res,
          editUsers(json(res), (u) => (u.orgRole === 254 ? { ...u, orgRoleDescription: 'OWNER' } : u)),
        ),
    },
  },
  {
    name: "an ADMINISTRATOR's orgRoles include OWNER (an off-by-one range)",
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every user shows the name of its role and the roles up to it \(R2, R3\)$/,
    says: /R3: /,
    rules: ['R3'],
    breakage: {
      response: (res) =>
        withJson(
          res,
          editUsers(json(res), (u) => (u.orgRole === 254 ? { ...u, orgRoles: [0, 1, 2, 254, 255] } : u)),
        ),
    },
  },
  {
    name: 'timestamps without milliseconds',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every (listOrganizationUsers|login|refreshToken) response matches its documented envelope \(.*E2.*\)$/,
    rules: ['E2'],
    // Every non-null timestamp (a deleted user's deletedAt, a login's expiresAt) loses its `.sss`.
    breakage: {
      response: (res) => {
        if (!res.body.includes('.')) return res;
        return { ...res, body: res.body.replace(/"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d{3}Z"/g, '"$1Z"') };
      },
    },
  },
];

/** Bugs the tenancy checks must catch: one organization reaching another. */
const TENANCY: readonly BrokenCase[] = [
  {
    name: 'cross-organization read allowed',
    kind: 'tenant',
    check: 'tenancy',
    rules: [], // section 3, step 5: another organization is a 403: no rule id
    caught: /^tenancy: getOrganizationUser of the outsider's organization as (owner|administrator|workspaces)$/,
    breakage: {
      response: async (res, r, ctx) => {
        if (r.method !== 'GET' || res.status !== 403 || !USER_PATH.test(pathOf(r))) return res;
        for (const name of ['owner', 'outsider']) {
          const retry = await ctx.forward(as(r, ctx.principal(name).accessToken));
          if (retry.status === 200) return retry;
        }
        return res;
      },
    },
  },
  {
    name: "another organization's details readable",
    kind: 'tenant',
    check: 'tenancy',
    rules: [], // section 3: another organization is a 403: no rule id
    caught: /^tenancy: getOrganization of the (outsider's|members') organization as \w+$/,
    breakage: crossOrganizationDetails('GET'),
  },
  {
    name: "another organization's details writable",
    kind: 'tenant',
    check: 'tenancy',
    rules: [], // section 3: another organization is a 403: no rule id
    caught: /^tenancy: updateOrganization of the (outsider's|members') organization as \w+$/,
    breakage: crossOrganizationDetails('PUT', 'Access denied: you can only modify your own organization'),
  },
  {
    name: "another organization's user updatable",
    kind: 'tenant',
    check: 'tenancy',
    rules: [], // section 3, step 5: another organization is a 403: no rule id
    caught: /^tenancy: updateOrganizationUser of the (outsider's|members') organization as \w+$/,
    breakage: crossOrganizationWrite('PUT', USER_PATH),
  },
  {
    name: "another organization's user deletable",
    kind: 'tenant',
    check: 'tenancy',
    rules: [], // section 3, step 5: another organization is a 403: no rule id
    caught: /^tenancy: deleteOrganizationUser of the (outsider's|members') organization as \w+$/,
    breakage: crossOrganizationWrite('DELETE', USER_PATH),
  },
  {
    name: "another organization's user can be activated",
    kind: 'tenant',
    check: 'tenancy',
    rules: [], // section 3, step 5: another organization is a 403: no rule id
    caught: /^tenancy: activateOrganizationUser of the (outsider's|members') organization as \w+$/,
    breakage: crossOrganizationWrite('POST', ACTIVATE_PATH),
  },
  {
    name: "the user list holds another organization's users",
    kind: 'tenant',
    check: 'tenancy',
    rules: ['U1'],
    caught: /^tenancy: the user list as \w+ holds every user of its organization and no other \(U1, R6\)$/,
    breakage: {
      response: async (res, r, ctx) => {
        const body = json(res) as Json | undefined;
        if (!isList(r) || res.status !== 200 || !Array.isArray(body?.data)) return res;
        const caller = callerOf(r, ctx);
        const other = ['owner', 'outsider'].map((n) => ctx.principal(n)).find((p) => p.orgId !== caller?.orgId);
        const foreign = json(await ctx.forward(as(r, other?.accessToken ?? null))) as Json | undefined;
        const data = [...body.data, ...(Array.isArray(foreign?.data) ? foreign.data : [])];
        return withJson(res, { ...body, data, total: data.length });
      },
    },
  },
  {
    name: 'a WORKSPACES list hides higher-ranked users (R6 applied to reads)',
    kind: 'business',
    check: 'tenancy',
    caught: /^tenancy: the user list as workspaces holds every user of its organization and no other \(U1, R6\)$/,
    rules: ['R6'],
    breakage: {
      response: (res, r, ctx) => {
        const body = json(res) as Json | undefined;
        if (!isList(r) || res.status !== 200 || callerId(r) !== ctx.principal('workspaces').userId || !Array.isArray(body?.data)) return res;
        return withJson(
          res,
          editUsers(body, (u) => (typeof u.orgRole === 'number' && u.orgRole > 2 ? null : u)),
        );
      },
    },
  },
];

/** Bugs the lifecycle checks must catch: create, list, get, update, delete, activate, and the login rules (A3, A4, U6, R8). */
const LIFECYCLE: readonly BrokenCase[] = [
  (() => {
    const gone = new Set<string>();
    return {
      name: 'hard delete instead of soft',
      kind: 'business' as const,
      check: 'lifecycle' as const,
      rules: ['U6', 'U4', 'U1'],
      caught: /^lifecycle: delete is soft/,
      breakage: {
        request: (r: ProxyRequest) => {
          const id = USER_PATH.exec(pathOf(r))?.[1];
          return id && gone.has(decodeURIComponent(id)) && r.method === 'GET' ? answer(404, { success: false, message: 'User not found' }) : r;
        },
        response: (res, r) => {
          const id = USER_PATH.exec(pathOf(r))?.[1];
          if (r.method === 'DELETE' && res.status === 200 && id) gone.add(decodeURIComponent(id));
          if (isList(r) && res.status === 200)
            return withJson(
              res,
              editUsers(json(res), (u) => (gone.has(String(u.id)) ? null : u)),
            );
          return res;
        },
      } satisfies Breakage,
    };
  })(),
  (() => {
    const activated = new Set<string>();
    const stale = (u: Json): Json => (activated.has(String(u.id)) ? { ...u, deletedAt: '2026-01-01T00:00:00.000Z' } : u);
    return {
      name: 'activate leaves deletedAt',
      kind: 'business' as const,
      check: 'lifecycle' as const,
      rules: ['U7'],
      caught: /^lifecycle: activate clears deletedAt/,
      breakage: {
        response: (res, r) => {
          const activatedId = ACTIVATE_PATH.exec(pathOf(r))?.[1];
          if (activatedId && r.method === 'POST' && res.status === 200) activated.add(decodeURIComponent(activatedId));
          if (r.method !== 'GET' || res.status !== 200) return res;
          return withJson(res, editUsers(json(res), stale));
        },
      } satisfies Breakage,
    };
  })(),
  {
    name: 'the list leaves out deleted users',
    kind: 'business',
    check: 'lifecycle',
    rules: ['U1'],
    caught: /^lifecycle: delete is soft/,
    breakage: {
      response: (res, r) =>
        isList(r) && res.status === 200
          ? withJson(
              res,
              editUsers(json(res), (u) => (u.deletedAt === null ? u : null)),
            )
          : res,
    },
  },
  {
    name: 'a new user is created already validated',
    kind: 'business',
    check: 'lifecycle',
    rules: ['U3'],
    caught: /^lifecycle: create answers 201 with the new user \(U3\)$/,
    says: /validated/,
    breakage: {
      response: (res, r) => {
        const body = json(res) as Json | undefined;
        return r.method === 'POST' && pathOf(r) === '/organization/users' && res.status === 201 && isUser(body?.data)
          ? withJson(res, { ...body, data: { ...body.data, validated: true } })
          : res;
      },
    },
  },
  {
    name: 'a deleted user can log in',
    kind: 'business',
    check: 'lifecycle',
    rules: ['A3'],
    caught: /^lifecycle: the deleted account cannot log in \(A3 USER_INACTIVE\)$/,
    breakage: inactiveLogin((u) => u.deletedAt !== null),
  },
  {
    name: 'a user who has not validated the e-mail can log in',
    kind: 'business',
    check: 'lifecycle',
    rules: ['A3', 'U3'],
    caught: /^lifecycle: (the unvalidated account cannot log in|a new user cannot log in before validating the e-mail)/,
    breakage: inactiveLogin((u) => u.deletedAt === null && !u.validated),
  },
  {
    name: 'an unknown e-mail answered INVALID_PASSWORD',
    kind: 'business',
    check: 'lifecycle',
    rules: ['A3'],
    caught: /^lifecycle: a wrong password is INVALID_PASSWORD and an unknown e-mail USER_NOT_FOUND \(A3\)$/,
    breakage: {
      response: (res, r) =>
        (json(res) as Json | undefined)?.error_code === 'USER_NOT_FOUND' && pathOf(r) === '/user/login' ? withJson(res, LOGIN_FAILURES.INVALID_PASSWORD) : res,
    },
  },
  {
    name: 'login matches the e-mail case-sensitively',
    kind: 'auth',
    check: 'lifecycle',
    rules: ['A3'],
    caught: /^lifecycle: login matches the e-mail in any letter case \(A3\)$/,
    breakage: {
      request: (r) => {
        const email = bodyOf(r).email;
        return pathOf(r) === '/user/login' && typeof email === 'string' && email !== email.toLowerCase() ? answer(401, LOGIN_FAILURES.USER_NOT_FOUND) : r;
      },
    },
  },
  (() => {
    // Rotation without revocation: a used refresh token keeps working, as the latest one of its chain.
    const next = new Map<string, string>();
    const latest = (token: string): string => (next.has(token) ? latest(next.get(token) as string) : token);
    return {
      name: 'a used refresh token accepted again',
      kind: 'business' as const,
      check: 'lifecycle' as const,
      rules: ['A4'],
      caught: /^lifecycle: refresh rotates the refresh token and logout revokes it \(A4\)$/,
      says: /a used refresh token is refused/,
      breakage: {
        response: async (res, r, ctx) => {
          const sent = refreshTokenOf(r);
          if (pathOf(r) !== '/user/refresh' || !sent) return res;
          let answered = res;
          if (res.status === 401 && latest(sent) !== sent) answered = await ctx.forward(withBody(r, { refreshToken: latest(sent) }));
          const issued = (json(answered) as Json | undefined)?.refreshToken;
          if (answered.status === 200 && typeof issued === 'string') next.set(latest(sent), issued);
          return answered;
        },
      } satisfies Breakage,
    };
  })(),
  (() => {
    // One refresh token for the whole session: refresh hands back the token it was given (kept valid behind the proxy).
    const real = new Map<string, string>();
    return {
      name: 'refresh tokens not rotated',
      kind: 'business' as const,
      check: 'lifecycle' as const,
      rules: ['A4'],
      caught: /^lifecycle: refresh rotates the refresh token and logout revokes it \(A4\)$/,
      says: /refresh tokens rotate/,
      breakage: {
        request: (r) => {
          const sent = refreshTokenOf(r);
          return ['/user/refresh', '/user/logout'].includes(pathOf(r)) && sent && real.has(sent) ? withBody(r, { refreshToken: real.get(sent) }) : r;
        },
        response: (res, r) => {
          const body = json(res) as Json | undefined;
          const original = [...real].find(([, v]) => v === refreshTokenOf(r))?.[0] ?? refreshTokenOf(r);
          if (pathOf(r) !== '/user/refresh' || res.status !== 200 || typeof body?.refreshToken !== 'string' || !original) return res;
          real.set(original, body.refreshToken);
          return withJson(res, { ...body, refreshToken: original });
        },
      } satisfies Breakage,
    };
  })(),
  {
    name: 'logout does not revoke the refresh token',
    kind: 'business',
    check: 'lifecycle',
    rules: ['A4'],
    caught: /^lifecycle: refresh rotates the refresh token and logout revokes it \(A4\)$/,
    says: /revoked by logout is refused/,
    breakage: { request: (r) => (pathOf(r) === '/user/logout' ? answer(200, { success: true }) : r) },
  },
  (() => {
    const deleted = new Set<string>();
    return {
      name: "a deleted user's access token keeps working",
      kind: 'auth' as const,
      check: 'lifecycle' as const,
      rules: ['U6', 'A2'],
      caught: /^lifecycle: a deleted user's token stops working/,
      says: /access token stops working/,
      breakage: {
        // Tokens are checked for a valid signature only, not against the user's state.
        response: (res, r, ctx) => {
          const id = targetUserId(r);
          if (r.method === 'DELETE' && res.status === 200 && id) deleted.add(id);
          const caller = callerId(r);
          return res.status === 401 && typeof caller === 'string' && deleted.has(caller) ? ctx.forward(as(r, ctx.principal('owner').accessToken)) : res;
        },
      } satisfies Breakage,
    };
  })(),
  (() => {
    // Deletion only refuses a user's refresh tokens while the user is deleted: activate brings them
    // back to life (the proxy stands in for them with a fresh login of the same credentials).
    const logins = new Map<string, { userId: string; email: unknown; password: unknown }>();
    const activated = new Set<string>();
    return {
      name: 'refresh tokens from before a deletion work again after activate',
      kind: 'auth' as const,
      check: 'lifecycle' as const,
      rules: ['U6'],
      caught: /^lifecycle: a deleted user's token stops working/,
      says: /stays refused after activate/,
      breakage: {
        response: async (res, r, ctx) => {
          const path = pathOf(r);
          const body = json(res) as Json | undefined;
          if (path === '/user/login' && res.status === 200 && typeof body?.refreshToken === 'string') {
            const user = body.user as Json | undefined;
            logins.set(body.refreshToken, { userId: String(user?.id), email: bodyOf(r).email, password: bodyOf(r).password });
          }
          const id = ACTIVATE_PATH.exec(path)?.[1];
          if (id && r.method === 'POST' && res.status === 200) activated.add(decodeURIComponent(id));
          const sent = refreshTokenOf(r);
          const login = sent === undefined ? undefined : logins.get(sent);
          if (path !== '/user/refresh' || res.status !== 401 || !login || !activated.has(login.userId)) return res;
          const fresh = await ctx.forward({ ...withBody(r, { email: login.email, password: login.password }), path: '/user/login' });
          const tokens = json(fresh) as Json | undefined;
          if (fresh.status !== 200 || !tokens) return res;
          return withJson(fresh, { success: true, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt });
        },
      } satisfies Breakage,
    };
  })(),
  (() => {
    // The role is looked up once per token (at its first request) and kept: R8 broken.
    const listed = new Set<string>();
    return {
      name: 'R8: the role is cached per token',
      kind: 'role' as const,
      check: 'lifecycle' as const,
      rules: ['R8'],
      caught: /^lifecycle: a role change takes effect on the next request \(R8\)$/,
      breakage: {
        response: (res, r, ctx) => {
          const token = bearer(r);
          if (!isList(r) || !token) return res;
          if (res.status === 200) listed.add(token);
          return res.status === 403 && listed.has(token) ? ctx.forward(as(r, ctx.principal('owner').accessToken)) : res;
        },
      } satisfies Breakage,
    };
  })(),
  (() => {
    let first: unknown;
    return {
      name: "the list's total does not grow (a stale count)",
      kind: 'business' as const,
      check: 'lifecycle' as const,
      rules: ['U1'],
      caught: /^lifecycle: the new user is listed after the older ones and total grows by one \(U1\)$/,
      says: /^Received: total \d+\. Expected: total \d+ \(U1: the list holds every user/,
      breakage: {
        response: (res, r) => {
          const body = json(res) as Json | undefined;
          if (!isList(r) || res.status !== 200 || !body) return res;
          first ??= body.total;
          return withJson(res, { ...body, total: first });
        },
      } satisfies Breakage,
    };
  })(),
  {
    name: 'the list is newest first',
    kind: 'business',
    check: 'lifecycle',
    rules: ['U1'],
    caught: /^lifecycle: the new user is listed after the older ones and total grows by one \(U1\)$/,
    says: /oldest first/,
    breakage: {
      response: (res, r) => {
        const body = json(res) as Json | undefined;
        return isList(r) && res.status === 200 && Array.isArray(body?.data) ? withJson(res, { ...body, data: [...body.data].reverse() }) : res;
      },
    },
  },
  {
    name: 'deleting a deleted user again answers 200',
    kind: 'business',
    check: 'lifecycle',
    rules: ['U6'],
    caught: /^lifecycle: delete again is a 400 \(U6\)$/,
    breakage: {
      response: (res) =>
        res.status === 400 && messageOf(res) === 'User is already deleted' ? answer(200, { success: true, message: 'User deleted successfully' }) : res,
    },
  },
  {
    name: 'activating an active user again answers 200',
    kind: 'business',
    check: 'lifecycle',
    rules: ['U7'],
    caught: /^lifecycle: activate again is a 400 \(U7\)$/,
    breakage: {
      response: (res) =>
        res.status === 400 && messageOf(res) === 'User is not deleted' ? answer(200, { success: true, message: 'User activated successfully' }) : res,
    },
  },
  {
    name: 'a deleted user can be updated',
    kind: 'business',
    check: 'lifecycle',
    rules: ['U5'],
    caught: /^lifecycle: update of a deleted user is a 400 \(U5\)$/,
    breakage: acceptedAnyway('PUT', 'Cannot update a deleted user', (data) => ({ success: true, data, message: 'User updated successfully' })),
  },
  {
    name: 'total counts active users only',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: the new user is listed after the older ones and total grows by one \(U1\)$/,
    says: /total equals the length of data/,
    rules: ['U1'],
    // Right and wrong differ whenever the list holds a soft-deleted user (the seeded one does).
    breakage: {
      response: (res, r) => {
        const body = json(res) as Json | undefined;
        if (!isList(r) || res.status !== 200 || !Array.isArray(body?.data)) return res;
        return withJson(res, { ...body, total: body.data.filter((u) => isUser(u) && u.deletedAt === null).length });
      },
    },
  },
  {
    name: 'a soft-deleted user read as a 404 (the list still shows it)',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: delete is soft: the user stays readable/,
    rules: ['U4'],
    breakage: {
      response: (res, r) => {
        const body = json(res) as Json | undefined;
        return r.method === 'GET' && USER_PATH.test(pathOf(r)) && res.status === 200 && typeof body?.deletedAt === 'string'
          ? answer(404, { success: false, message: 'User not found' })
          : res;
      },
    },
  },
  {
    name: 'deletedAt stored in seconds and read as milliseconds (January 1970)',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: delete is soft: the user stays readable/,
    says: /the time of deletion/,
    rules: ['U6'],
    // A valid timestamp in the right format: only its value is wrong.
    breakage: {
      response: (res) =>
        withJson(
          res,
          editUsers(json(res), (u) =>
            typeof u.deletedAt === 'string' ? { ...u, deletedAt: new Date(Math.floor(Date.parse(u.deletedAt) / 1000)).toISOString() } : u,
          ),
        ),
    },
  },
  {
    name: "activate also marks the user's e-mail validated",
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: activate clears deletedAt and changes nothing else \(U7\)$/,
    rules: ['U7'],
    // Right and wrong differ on a user who has not validated the e-mail (the lifecycle's new user).
    breakage: {
      response: async (res, r, ctx) => {
        const id = ACTIVATE_PATH.exec(pathOf(r))?.[1];
        if (r.method === 'POST' && id && res.status === 200) await ctx.forward({ method: 'POST', path: `/__mock/users/${id}/validate`, headers: {}, body: '' });
        return res;
      },
    },
  },
];

/** Bugs the business-rule checks must catch (R4 to R7, U3, U5, O2, section 3). */
const BUSINESS: readonly BrokenCase[] = [
  (() => {
    let n = 0;
    return {
      name: 'a duplicate e-mail accepted',
      kind: 'business' as const,
      check: 'business' as const,
      rules: ['U3'],
      caught: /^business: an e-mail already in use/,
      breakage: {
        response: async (res, r, ctx) => {
          if (res.status !== 409) return res;
          const body = json(r) as Json;
          const email = String(body.email).replace('@', `+dup${++n}@`).toLowerCase();
          return ctx.forward({ ...r, body: JSON.stringify({ ...body, email }) });
        },
      } satisfies Breakage,
    };
  })(),
  {
    name: 'role escalation allowed (R5)',
    kind: 'business',
    check: 'business',
    rules: ['R5'],
    caught: /^business: .* \(R5\)$/,
    breakage: {
      response: async (res, r, ctx) => {
        const body = json(res) as Json | undefined;
        if (res.status !== 403 || body?.message !== 'Insufficient permissions to assign this role') return res;
        return ctx.forward(as(r, ctx.principal('owner').accessToken));
      },
    },
  },
  {
    name: 'the organization update replaces instead of patching',
    kind: 'business',
    check: 'business',
    rules: ['O2'],
    caught: /^business: the organization update is partial/,
    breakage: {
      request: (r) => {
        const body = json(r) as Json | undefined;
        if (r.method !== 'PUT' || !/^\/organization\/[^/]+$/.test(pathOf(r)) || !body || typeof body !== 'object' || Object.keys(body).length === 0) return r;
        const blank = { address1: null, address2: null, zipcode: null, phone: null, state: null, country: null, website: null };
        return { ...r, body: JSON.stringify({ ...blank, ...body }) };
      },
    },
  },
  {
    name: 'deleting yourself allowed',
    kind: 'business',
    check: 'business',
    rules: ['R7'],
    caught: /^business: \w+ cannot delete themselves \(R7\)$/,
    breakage: {
      response: (res) => {
        const body = json(res) as Json | undefined;
        return res.status === 400 && body?.message === 'Cannot delete yourself' ? answer(200, { success: true, message: 'User deleted successfully' }) : res;
      },
    },
  },
  // Every documented message reworded: --lenient-messages accepts this target in every group (broken-targets.test.ts).
  {
    name: 'every message reworded',
    kind: 'message',
    check: 'business',
    rules: ['E3', 'U3'],
    caught: /^business: create defaults to USER and sends the invite \(U3\)$/,
    says: /^Received: "Something else"\. Expected: "User created successfully\. Verification email sent\."/,
    breakage: {
      response: (res) => {
        const body = json(res) as Json | undefined;
        return typeof body?.message === 'string' && body.message !== '' ? withJson(res, { ...body, message: 'Something else' }) : res;
      },
    },
  },
  {
    name: 'R6: a manager may manage a higher-ranked user',
    kind: 'business',
    check: 'business',
    rules: ['R6'],
    caught: /^business: (WORKSPACES|ADMINISTRATOR) manages a (WORKSPACES|ADMINISTRATOR|OWNER) user \(R6\)$/,
    breakage: {
      // The rank check is missing: a WORKSPACES or ADMINISTRATOR refused a write on a user of its own organization gets it done.
      response: async (res, r, ctx) => {
        const id = targetUserId(r);
        const caller = callerOf(r, ctx);
        if (res.status !== 403 || !id || messageOf(res) !== WRITE_FORBIDDEN[r.method] || !caller || !['workspaces', 'administrator'].includes(caller.name))
          return res;
        if ((await ctx.user(id))?.orgId !== caller.orgId) return res;
        return ctx.forward(as(r, ctx.principal('owner').accessToken));
      },
    },
  },
  {
    name: 'R7: changing your own role allowed',
    kind: 'business',
    check: 'business',
    rules: ['R7'],
    caught: /^business: \w+ cannot change their own role, even to the same value \(R7\)$/,
    breakage: acceptedAnyway('PUT', 'Cannot change your own role', (data) => ({ success: true, data, message: 'User updated successfully' })),
  },
  {
    name: 'R4: an invalid role value accepted (stored as USER)',
    kind: 'business',
    check: 'business',
    rules: ['R4'],
    caught: /^business: a role value that is not one of the five is a 400 \(R4\)$/,
    breakage: {
      response: (res, r, ctx) =>
        res.status === 400 && messageOf(res) === 'Invalid role combination' ? ctx.forward(withBody(r, { ...bodyOf(r), orgRole: 0 })) : res,
    },
  },
  {
    name: 'the password policy not enforced',
    kind: 'business',
    check: 'business',
    rules: ['U3'],
    caught: /^business: the password policy \(U3\)$/,
    breakage: {
      response: (res, r, ctx) =>
        res.status === 400 && messageOf(res) === 'Password does not meet security requirements'
          ? ctx.forward(withBody(r, { ...bodyOf(r), password: 'Accepted-Passw0rd' }))
          : res,
    },
  },
  (() => {
    let n = 0;
    const defaults = (): Json => ({ email: `missing-field-${++n}@example.test`, password: 'Defaulted-Passw0rd', firstName: 'Unnamed', lastName: 'Unnamed' });
    return {
      name: 'a missing required field accepted (defaulted)',
      kind: 'business' as const,
      check: 'business' as const,
      rules: ['U3'],
      caught: /^business: each required field of a new user \(U3\)$/,
      breakage: {
        response: (res, r, ctx) =>
          res.status === 400 && String(messageOf(res)).startsWith('Missing required field') ? ctx.forward(withBody(r, { ...defaults(), ...bodyOf(r) })) : res,
      } satisfies Breakage,
    };
  })(),
  (() => {
    let n = 0;
    return {
      name: 'the e-mail format not enforced',
      kind: 'business' as const,
      check: 'business' as const,
      rules: ['U3'],
      caught: /^business: e-mail and name formats \(U3, U5\)$/,
      says: /the e-mail (must be a valid address|has at most 254 characters)/,
      breakage: {
        // Stores whatever it is given (here under a placeholder, since the mock would refuse it).
        request: (r) => {
          const email = bodyOf(r).email;
          if (r.method !== 'POST' || pathOf(r) !== '/organization/users' || typeof email !== 'string' || (EMAIL.test(email) && email.length <= 254)) return r;
          return withBody(r, { ...bodyOf(r), email: `accepted-${++n}@example.test` });
        },
      } satisfies Breakage,
    };
  })(),
  {
    name: 'name lengths and types not enforced',
    kind: 'business',
    check: 'business',
    rules: ['U3', 'U5'],
    caught: /^business: e-mail and name formats \(U3, U5\)$/,
    says: /a name (has|is a string)/,
    breakage: {
      request: (r) => {
        if (!((r.method === 'POST' && pathOf(r) === '/organization/users') || (r.method === 'PUT' && USER_PATH.test(pathOf(r))))) return r;
        const body = bodyOf(r);
        const fixed = Object.fromEntries(
          Object.entries(body).map(([k, v]) =>
            ['firstName', 'lastName', 'name'].includes(k) && (typeof v !== 'string' || v.trim() === '' || v.length > 100)
              ? [k, String(v).trim().slice(0, 100) || 'Accepted']
              : [k, v],
          ),
        );
        return withBody(r, fixed);
      },
    },
  },
  {
    name: '"No valid fields to update" not given for the organization',
    kind: 'business',
    check: 'business',
    rules: ['O2'],
    caught: /^business: a body with no writable field is a 400 \(O2, U5\)$/,
    says: /O2: an update with no writable field/,
    breakage: {
      response: async (res, r, ctx) => {
        if (r.method !== 'PUT' || !ORG_PATH.test(pathOf(r)) || res.status !== 400 || messageOf(res) !== 'No valid fields to update') return res;
        const read = json(await readAs(r, ctx, pathOf(r))) as Json | undefined;
        return answer(200, { success: true, data: read?.data, message: 'Organization updated successfully' });
      },
    },
  },
  {
    name: '"No valid fields to update" not given for a user',
    kind: 'business',
    check: 'business',
    rules: ['U5'],
    caught: /^business: a body with no writable field is a 400 \(O2, U5\)$/,
    says: /U5: an update with no writable field/,
    breakage: acceptedAnyway('PUT', 'No valid fields to update', (data) => ({ success: true, data, message: 'User updated successfully' })),
  },
  {
    name: 'a wrongly typed organization field coerced (no 400)',
    kind: 'business',
    check: 'business',
    rules: ['O2'],
    caught: /^business: a body with no writable field is a 400 \(O2, U5\)$/,
    says: /wrong type/,
    breakage: {
      request: (r) => {
        if (r.method !== 'PUT' || !ORG_PATH.test(pathOf(r))) return r;
        const body = bodyOf(r);
        const coerced = Object.fromEntries(
          Object.entries(body).map(([k, v]) =>
            ['mfaEnforced', 'is_business'].includes(k) && typeof v === 'string' ? [k, ['yes', 'true', '1'].includes(v)] : [k, v],
          ),
        );
        return withBody(r, coerced);
      },
    },
  },
  {
    name: 'an unknown id answered 403 instead of 404',
    kind: 'business',
    check: 'business',
    rules: [], // section 3, step 4: an unknown target is a 404: no rule id
    caught: /^business: unknown ids are 404s \(section 3, E3\)$/,
    breakage: {
      response: (res) => {
        const body = json(res) as Json | undefined;
        if (res.status !== 404 || !['User not found', 'Organization not found'].includes(String(body?.message))) return res;
        return withJson(res, { ...body, message: 'Access denied' }, 403);
      },
    },
  },
  {
    name: 'a new user defaults to BILLING, not USER',
    kind: 'business',
    check: 'business',
    rules: ['U3'],
    caught: /^business: create defaults to USER and sends the invite \(U3\)$/,
    says: /orgRole/,
    breakage: {
      request: (r) => (r.method === 'POST' && pathOf(r) === '/organization/users' && !('orgRole' in bodyOf(r)) ? withBody(r, { ...bodyOf(r), orgRole: 1 }) : r),
    },
  },
  {
    name: 'the invitation not sent by default',
    kind: 'business',
    check: 'business',
    rules: ['U3'],
    caught: /^business: create defaults to USER and sends the invite \(U3\)$/,
    says: /sendInvite defaults to true/,
    breakage: {
      request: (r) =>
        r.method === 'POST' && pathOf(r) === '/organization/users' && !('sendInvite' in bodyOf(r)) ? withBody(r, { ...bodyOf(r), sendInvite: false }) : r,
    },
  },
  {
    name: 'an OWNER may not grant OWNER (no OWNER exception in R5)',
    kind: 'role',
    check: 'business',
    rules: ['R5'],
    caught: /^business: OWNER (creates a OWNER user|sets a USER to OWNER) \(R5\)$/,
    breakage: {
      request: async (r, ctx) => {
        const id = callerId(r);
        const grants = (r.method === 'POST' && pathOf(r) === '/organization/users') || (r.method === 'PUT' && USER_PATH.test(pathOf(r)));
        if (!grants || bodyOf(r).orgRole !== 255 || typeof id !== 'string' || (await ctx.user(id))?.orgRole !== 255) return r;
        return answer(403, { success: false, data: null, message: 'Insufficient permissions to assign this role' });
      },
    },
  },
  {
    name: 'an OWNER may not update or restore another OWNER (no OWNER exception in R6)',
    kind: 'role',
    check: 'business',
    rules: ['R6'],
    caught: /^business: OWNER manages a OWNER user \(R6\)$/,
    breakage: {
      request: async (r, ctx) => {
        const id = callerId(r);
        const target = targetUserId(r);
        if (!target || !['PUT', 'POST'].includes(r.method) || typeof id !== 'string' || id === target) return r;
        const [caller, user] = await Promise.all([ctx.user(id), ctx.user(target)]);
        return caller?.orgRole === 255 && user?.orgRole === 255
          ? answer(403, { success: false, message: WRITE_FORBIDDEN[r.method] ?? 'Insufficient permissions' })
          : r;
      },
    },
  },
  {
    name: 'editing your own name refused as a role change (R7 over-applied)',
    kind: 'business',
    check: 'business',
    rules: ['R7'],
    caught: /^business: \w+ may edit their own name \(R7\)$/,
    breakage: {
      request: (r) => {
        const id = targetUserId(r);
        return r.method === 'PUT' && USER_PATH.test(pathOf(r)) && id === callerId(r)
          ? answer(400, { success: false, data: {}, message: 'Cannot change your own role' })
          : r;
      },
    },
  },
  {
    name: 'R5: an ADMINISTRATOR may grant ADMINISTRATOR (<= instead of < for this role)',
    kind: 'business',
    check: 'business',
    caught: /^business: ADMINISTRATOR (creates a ADMINISTRATOR user|sets a USER to ADMINISTRATOR) \(R5\)$/,
    rules: ['R5'],
    breakage: {
      response: (res, r, ctx) =>
        res.status === 403 &&
        messageOf(res) === 'Insufficient permissions to assign this role' &&
        callerOf(r, ctx)?.name === 'administrator' &&
        bodyOf(r).orgRole === 254
          ? ctx.forward(as(r, ctx.principal('owner').accessToken))
          : res,
    },
  },
  {
    name: 'R6: an ADMINISTRATOR may manage another ADMINISTRATOR (<= instead of < for this role)',
    kind: 'business',
    check: 'business',
    caught: /^business: ADMINISTRATOR manages a ADMINISTRATOR user \(R6\)$/,
    rules: ['R6'],
    breakage: {
      response: async (res, r, ctx) => {
        const id = targetUserId(r);
        if (res.status !== 403 || !id || messageOf(res) !== WRITE_FORBIDDEN[r.method] || callerOf(r, ctx)?.name !== 'administrator') return res;
        const user = await ctx.user(id);
        return user?.orgRole === 254 && user.orgId === ctx.principal('administrator').orgId ? ctx.forward(as(r, ctx.principal('owner').accessToken)) : res;
      },
    },
  },
  {
    name: "R7: an OWNER may change their own role (R5's OWNER exception applied to R7)",
    kind: 'business',
    check: 'business',
    caught: /^business: owner cannot change their own role, even to the same value \(R7\)$/,
    rules: ['R7'],
    breakage: {
      response: async (res, r, ctx) => {
        const id = targetUserId(r);
        if (r.method !== 'PUT' || res.status !== 400 || messageOf(res) !== 'Cannot change your own role' || !id || callerOf(r, ctx)?.name !== 'owner')
          return res;
        const record = await readAs(r, ctx, `/organization/users/${encodeURIComponent(id)}`);
        return answer(200, { success: true, data: json(record), message: 'User updated successfully' });
      },
    },
  },
];

/** Bugs the robustness checks must catch (W1 to W3, the order of checks); W3 also where a 5xx meets another check. */
const ROBUSTNESS: readonly BrokenCase[] = [
  {
    name: '500 on bad JSON',
    kind: 'robustness',
    check: 'robustness',
    rules: ['W1', 'W3'],
    caught: /^robustness: a body that is not JSON/,
    breakage: {
      request: (r) => {
        if (!r.body || !(r.headers['content-type'] ?? '').includes('json') || json(r) !== undefined) return r;
        return answer(500, { success: false, data: null, message: 'Internal server error' });
      },
    },
  },
  {
    name: 'a wrong method is a 404',
    kind: 'robustness',
    check: 'robustness',
    rules: ['W2'],
    caught: /^robustness: a known path with another method is a 405/,
    breakage: { response: (res) => (res.status === 405 ? answer(404, { success: false, message: 'Not found' }) : res) },
  },
  {
    name: 'a 500 on every logout',
    kind: 'robustness',
    check: 'robustness',
    rules: ['W3'],
    // The matrix's logout cells report each 500 (as robustness); the W3 sweep must fail too.
    caught: /^robustness: no 5xx and no dropped connection anywhere in the run \(W3\)$/,
    only: ['matrix', 'robustness'],
    breakage: {
      request: (r) => (pathOf(r) === '/user/logout' ? answer(500, { success: false, error_code: 'INTERNAL_ERROR', message: 'Internal server error' }) : r),
    },
  },
  {
    name: 'a 500 on a request no check judges by its status',
    kind: 'robustness',
    check: 'robustness',
    rules: ['W3'],
    caught: /^robustness: no 5xx and no dropped connection anywhere in the run \(W3\)$/,
    says: /^Received: 500 .*Expected: a status below 500/,
    // The envelopes group samples every operation (BILLING reading the organization among them) and judges only the shape.
    only: ['envelopes', 'robustness'],
    breakage: {
      request: (r, ctx) =>
        r.method === 'GET' && ORG_PATH.test(pathOf(r)) && callerId(r) === ctx.principal('billing').userId
          ? { ...r, headers: { ...r.headers, prefer: 'code=500' } }
          : r,
    },
  },
  {
    name: 'the connection dropped on a wrong method',
    kind: 'robustness',
    check: 'robustness',
    rules: ['W3'],
    caught: /^robustness: no 5xx and no dropped connection anywhere in the run \(W3\)$/,
    says: /no response/,
    breakage: { request: (r) => (r.method === 'PATCH' ? DROP : r) },
  },
  {
    name: 'another content type read as JSON (no 415)',
    kind: 'robustness',
    check: 'robustness',
    rules: ['W1'],
    caught: /^robustness: another content type is a 415 \(W1\)$/,
    breakage: {
      request: (r) => {
        const type = r.headers['content-type'];
        return r.body && type && !type.includes('json') && json(r) !== undefined ? { ...r, headers: { ...r.headers, 'content-type': 'application/json' } } : r;
      },
    },
  },
  {
    name: 'a body over 1 MiB accepted (no 413)',
    kind: 'robustness',
    check: 'robustness',
    rules: ['W1'],
    caught: /^robustness: a body over 1 MiB is a 413 \(W1\)$/,
    breakage: {
      // A larger limit: the whole body is read and its unknown fields ignored (here dropped, since the mock stops at 1 MiB).
      request: (r) =>
        Buffer.byteLength(r.body) > 1024 * 1024 && json(r) !== undefined
          ? withBody(r, Object.fromEntries(Object.entries(bodyOf(r)).filter(([k]) => k !== 'padding')))
          : r,
    },
  },
  {
    name: 'an unknown path served as a 200 HTML page',
    kind: 'robustness',
    check: 'robustness',
    rules: ['W2'],
    caught: /^robustness: an unknown path is a 404 "Not found" \(W2\)$/,
    breakage: {
      response: (res) =>
        res.status === 404 && messageOf(res) === 'Not found'
          ? { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!doctype html><title>App</title>' }
          : res,
    },
  },
  {
    name: 'the body parsed before authentication',
    kind: 'robustness',
    check: 'robustness',
    rules: [], // section 3: authentication and role before the body: no rule id
    caught: /^robustness: authentication and role come before the body \(section 3\)$/,
    breakage: {
      request: (r) =>
        r.path.startsWith('/organization') && r.body !== '' && (r.headers['content-type'] ?? '').includes('json') && json(r) === undefined
          ? answer(400, { success: false, data: null, message: 'Invalid JSON body' })
          : r,
    },
  },
  {
    name: 'a CORS preflight that does not allow Authorization',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a CORS preflight is a 204 allowing the origin, Authorization and Content-Type \(W4\)$/,
    rules: ['W4'],
    // A fixed list of allowed headers that forgot the one every call of this API sends.
    breakage: {
      response: (res, r) =>
        r.method === 'OPTIONS' && res.status === 204 ? { ...res, headers: { ...res.headers, 'access-control-allow-headers': 'Content-Type' } } : res,
    },
  },
];

/** Bugs the secrets check must catch (E1). */
const SECRETS: readonly BrokenCase[] = [
  {
    name: 'a password in the user object',
    kind: 'envelope',
    check: 'secrets',
    rules: ['E1'],
    caught: /^secrets: no password, hash or token in a \w+ response/,
    breakage: {
      response: (res, r, ctx) => {
        if (!r.path.startsWith('/organization') || res.status >= 300) return res;
        const known = new Map(ctx.principals.map((p) => [p.email, p.password]));
        return withJson(
          res,
          editUsers(json(res), (u) => ({ ...u, password: known.get(String(u.email)) ?? 'Unknown-Passw0rd' })),
        );
      },
    },
  },
  {
    name: 'the organization carries its webhook secret',
    kind: 'envelope',
    check: 'secrets',
    rules: ['E1'],
    caught: /^secrets: no password, hash or token in a (getOrganization|updateOrganization) response \(E1\)$/,
    breakage: {
      response: (res, r) => {
        const body = json(res) as Json | undefined;
        const data = body?.data;
        return ORG_PATH.test(pathOf(r)) && res.status === 200 && typeof data === 'object' && data !== null
          ? withJson(res, { ...body, data: { ...data, webhookSecret: 'whsec_0123456789abcdef' } })
          : res;
      },
    },
  },
  {
    name: "the login answer's user carries the password hash",
    kind: 'envelope',
    check: 'secrets',
    rules: ['E1'],
    caught: /^secrets: no password, hash or token in a login response \(E1\)$/,
    breakage: {
      response: async (res, r, ctx) => {
        const body = json(res) as Json | undefined;
        const user = body?.user as Json | undefined;
        if (pathOf(r) !== '/user/login' || res.status !== 200 || !user) return res;
        return withJson(res, { ...body, user: { ...user, passwordHash: (await ctx.user(String(user.id)))?.passwordHash } });
      },
    },
  },
  {
    name: 'delete and activate echo the user, password hash included',
    kind: 'envelope',
    check: 'secrets',
    rules: ['E1'],
    caught: /^secrets: no password, hash or token in a (deleteOrganizationUser|activateOrganizationUser) response \(E1\)$/,
    breakage: {
      response: async (res, r, ctx) => {
        const id = targetUserId(r);
        if (!id || !['DELETE', 'POST'].includes(r.method) || res.status !== 200) return res;
        return withJson(res, { ...(json(res) as Json), data: await ctx.user(id) });
      },
    },
  },
];

export const BROKEN_TARGETS: readonly BrokenCase[] = [...MATRIX, ...ENVELOPES, ...TENANCY, ...LIFECYCLE, ...BUSINESS, ...ROBUSTNESS, ...SECRETS];
