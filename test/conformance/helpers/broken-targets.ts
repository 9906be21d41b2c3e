/**
 * The catalogue of deliberately broken targets: each one bug a real backend could have, built as
 * a proxy rewrite in front of the mock, with the kind and check the suite must report it under.
 */
import type { FailureKind, GroupName } from '../../../conformance/index.js';
import { answer, as, bearer, DROP, json, pathOf, withJson, type Breakage, type ProxyRequest } from './proxy.js';

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

export const BROKEN_TARGETS: readonly BrokenCase[] = [
  {
    name: 'BILLING may list users',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: listOrganizationUsers as billing$/,
    breakage: {
      request: (r, ctx) => (isList(r) && callerId(r) === ctx.principal('billing').userId ? as(r, ctx.principal('owner').accessToken) : r),
    },
  },
  {
    name: '401 given for 403',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: \w+ as (billing|user|workspaces|outsider|orgless)$/,
    breakage: {
      response: (res, r) => (res.status === 403 && r.path.startsWith('/organization') ? answer(401, UNAUTHORIZED, { 'www-authenticate': 'Bearer' }) : res),
    },
  },
  {
    name: 'the list has no total',
    kind: 'envelope',
    check: 'envelopes',
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
  (() => {
    const gone = new Set<string>();
    return {
      name: 'hard delete instead of soft',
      kind: 'business' as const,
      check: 'lifecycle' as const,
      caught: /^lifecycle: delete is soft/,
      breakage: {
        request: (r: ProxyRequest) => {
          const id = USER_PATH.exec(pathOf(r))?.[1];
          return id && gone.has(decodeURIComponent(id)) && r.method === 'GET' ? answer(404, { success: false, message: 'User not found' }) : r;
        },
        response: (res, r) => {
          const id = USER_PATH.exec(pathOf(r))?.[1];
          if (r.method === 'DELETE' && res.status === 200 && id) gone.add(decodeURIComponent(id));
          if (isList(r) && res.status === 200) return withJson(res, editUsers(json(res), (u) => (gone.has(String(u.id)) ? null : u)));
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
    name: 'cross-organization read allowed',
    kind: 'tenant',
    check: 'tenancy',
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
    name: 'the single-user GET wrapped in an envelope',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every getOrganizationUser response/,
    breakage: {
      response: (res, r) => (r.method === 'GET' && USER_PATH.test(pathOf(r)) && res.status === 200 ? withJson(res, { success: true, data: json(res) }) : res),
    },
  },
  {
    name: 'a password in the user object',
    kind: 'envelope',
    check: 'secrets',
    caught: /^secrets: no password, hash or token in a \w+ response/,
    breakage: {
      response: (res, r, ctx) => {
        if (!r.path.startsWith('/organization') || res.status >= 300) return res;
        const known = new Map(ctx.principals.map((p) => [p.email, p.password]));
        return withJson(res, editUsers(json(res), (u) => ({ ...u, password: known.get(String(u.email)) ?? 'Unknown-Passw0rd' })));
      },
    },
  },
  {
    name: 'a 401 without WWW-Authenticate',
    kind: 'envelope',
    check: 'envelopes',
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
    name: 'a wrong 403 message',
    kind: 'role',
    check: 'matrix',
    caught: /^matrix: \w+ as (billing|user|workspaces)$/,
    breakage: {
      response: (res) => {
        const body = json(res) as Json | undefined;
        return res.status === 403 && typeof body?.message === 'string' ? withJson(res, { ...body, message: 'Forbidden' }) : res;
      },
    },
  },
  {
    name: '500 on bad JSON',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a body that is not JSON/,
    breakage: {
      request: (r) => {
        if (!r.body || !(r.headers['content-type'] ?? '').includes('json') || json(r) !== undefined) return r;
        return answer(500, { success: false, data: null, message: 'Internal server error' });
      },
    },
  },
  (() => {
    let n = 0;
    return {
      name: 'a duplicate e-mail accepted',
      kind: 'business' as const,
      check: 'business' as const,
      caught: /^business: U3: an e-mail already in use/,
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
    name: 'a wrongly signed or unsigned token accepted',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: \w+ as (wrong-signature|alg-none)$/,
    breakage: {
      // Trusts the payload when the signature check fails: whoever the claims name is let in.
      response: async (res, r, ctx) => {
        const named = ctx.principals.find((p) => p.userId === callerId(r) && p.accessToken);
        return res.status === 401 && named ? ctx.forward(as(r, named.accessToken)) : res;
      },
    },
  },
  {
    name: 'the list leaves out deleted users',
    kind: 'business',
    check: 'lifecycle',
    caught: /^lifecycle: delete is soft/,
    breakage: {
      response: (res, r) => (isList(r) && res.status === 200 ? withJson(res, editUsers(json(res), (u) => (u.deletedAt === null ? u : null))) : res),
    },
  },
  {
    name: 'role escalation allowed (R5)',
    kind: 'business',
    check: 'business',
    caught: /^business: R5: /,
    breakage: {
      response: async (res, r, ctx) => {
        const body = json(res) as Json | undefined;
        if (res.status !== 403 || body?.message !== 'Insufficient permissions to assign this role') return res;
        return ctx.forward(as(r, ctx.principal('owner').accessToken));
      },
    },
  },
  {
    name: 'no token accepted',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: \w+ as no-token$/,
    breakage: {
      request: (r, ctx) => (r.path.startsWith('/organization') && !r.headers.authorization ? as(r, ctx.principal('owner').accessToken) : r),
    },
  },
  {
    name: 'a token in the query string accepted',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: A1: a token in the query or a cookie is not read$/,
    breakage: {
      request: (r) => {
        const token = new URL(r.path, 'http://x').searchParams.get('access_token');
        return token && !r.headers.authorization ? as(r, token) : r;
      },
    },
  },
  {
    name: 'answers as text/plain',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every \w+ response matches/,
    breakage: { response: (res) => ({ ...res, headers: { ...res.headers, 'content-type': 'text/plain; charset=utf-8' } }) },
  },
  {
    name: 'the organization update replaces instead of patching',
    kind: 'business',
    check: 'business',
    caught: /^business: O2: the organization update is partial/,
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
    name: 'a wrong method is a 404',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: a known path with another method is a 405/,
    breakage: { response: (res) => (res.status === 405 ? answer(404, { success: false, message: 'Not found' }) : res) },
  },
  {
    name: 'deleting yourself allowed',
    kind: 'business',
    check: 'business',
    caught: /^business: R7: \w+ cannot delete themselves$/,
    breakage: {
      response: (res) => {
        const body = json(res) as Json | undefined;
        return res.status === 400 && body?.message === 'Cannot delete yourself' ? answer(200, { success: true, message: 'User deleted successfully' }) : res;
      },
    },
  },
  {
    name: 'a validation error answered as an undocumented 422',
    kind: 'envelope',
    check: 'envelopes',
    caught: /^envelopes: every \w+ response matches/,
    breakage: { response: (res, r) => (res.status === 400 && r.path.startsWith('/organization') ? { ...res, status: 422 } : res) },
  },

  // --- W3 and the kinds of 5xx, auth ---------------------------------------------------------
  {
    name: 'a 500 on every logout',
    kind: 'robustness',
    check: 'robustness',
    // The matrix's logout cells report each 500 (as robustness); the W3 sweep must fail too.
    caught: /^robustness: no 5xx and no dropped connection anywhere in the run \(W3\)$/,
    only: ['matrix', 'robustness'],
    breakage: { request: (r) => (pathOf(r) === '/user/logout' ? answer(500, { success: false, error_code: 'INTERNAL_ERROR', message: 'Internal server error' }) : r) },
  },
  {
    name: 'a 500 on a request no check judges by its status',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: no 5xx and no dropped connection anywhere in the run \(W3\)$/,
    says: /^Received: 500 .*Expected: a status below 500/,
    // The envelopes group samples every operation (BILLING reading the organization among them) and judges only the shape.
    only: ['envelopes', 'robustness'],
    breakage: {
      request: (r, ctx) => (r.method === 'GET' && ORG_PATH.test(pathOf(r)) && callerId(r) === ctx.principal('billing').userId ? { ...r, headers: { ...r.headers, prefer: 'code=500' } } : r),
    },
  },
  {
    name: 'the connection dropped on a wrong method',
    kind: 'robustness',
    check: 'robustness',
    caught: /^robustness: no 5xx and no dropped connection anywhere in the run \(W3\)$/,
    says: /no response/,
    breakage: { request: (r) => (r.method === 'PATCH' ? DROP : r) },
  },
  {
    name: 'the lower-case "bearer" scheme refused',
    kind: 'auth',
    check: 'matrix',
    caught: /^matrix: A1: the scheme word is case-insensitive$/,
    breakage: { request: (r) => (/^bearer /.test(r.headers.authorization ?? '') ? answer(401, UNAUTHORIZED, { 'www-authenticate': 'Bearer' }) : r) },
  },

  // --- messages (--lenient-messages accepts this target in every group) -----------------------
  {
    name: 'every message reworded',
    kind: 'business',
    check: 'business',
    caught: /^business: create defaults to USER and sends the invite \(U3\)$/,
    says: /^Received: "Something else"\. Expected: "User created successfully\. Verification email sent\."/,
    breakage: {
      response: (res) => {
        const body = json(res) as Json | undefined;
        return typeof body?.message === 'string' && body.message !== '' ? withJson(res, { ...body, message: 'Something else' }) : res;
      },
    },
  },
];
