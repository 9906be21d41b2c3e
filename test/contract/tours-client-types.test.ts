/**
 * Type tests for the Tours & Events client: the types generated from openapi/tours-organizations.yaml hand
 * callers of `createToursClient` the documented shapes. Like test/contract/client-types.test.ts they fail at
 * type-check time (`npm run typecheck`, tsc --noEmit over test/), not under `vitest run`; the calls inside
 * `typeOnly` blocks are never made. One runtime test at the end checks how the client sends credentials.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { PathsWithMethod } from 'openapi-typescript-helpers';
import { createToursClient, type ToursClient, type ToursClientOptions, type ToursComponents, type ToursOperations, type ToursPaths } from '../../src/client.js';

type Schemas = ToursComponents['schemas'];
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Responses<P extends keyof ToursPaths, M extends keyof ToursPaths[P]> = ToursPaths[P][M] extends { responses: infer R } ? R : never;
type JsonBody<P extends keyof ToursPaths, M extends keyof ToursPaths[P]> = ToursPaths[P][M] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;

const client: ToursClient = createToursClient({ baseUrl: 'http://127.0.0.1:4010' });
/** Holds calls that are type-checked and never run. */
const typeOnly = (calls: Array<() => unknown>): void => {
  expectTypeOf(calls).toBeArray();
};

describe('the Tours types follow the spec', () => {
  it('the members list returns the paged envelope {data: Member[], total, page, limit, totalPages}', () => {
    type Ok = JsonOf<Responses<'/api/organizations/members', 'get'>[200]>;
    expectTypeOf<Ok>().toEqualTypeOf<Schemas['MemberPage']>();
    expectTypeOf<keyof Ok>().toEqualTypeOf<'data' | 'total' | 'page' | 'limit' | 'totalPages'>();
    expectTypeOf<Ok['data']>().toEqualTypeOf<Schemas['Member'][]>();
    expectTypeOf<Ok['total']>().toEqualTypeOf<number>();
    expectTypeOf<Ok['totalPages']>().toEqualTypeOf<number>();
    expectTypeOf<Schemas['Member']['status']>().toEqualTypeOf<'active' | 'suspended'>();
    expectTypeOf<Schemas['Member']['user']>().toEqualTypeOf<Schemas['MemberUser']>();
  });

  it('the roles, invitations and organizations lists are paged the same way; the API-key list is {data} only', () => {
    expectTypeOf<JsonOf<Responses<'/api/organizations/roles', 'get'>[200]>['data']>().toEqualTypeOf<Schemas['Role'][]>();
    expectTypeOf<JsonOf<Responses<'/api/organizations/invitations', 'get'>[200]>['data']>().toEqualTypeOf<Schemas['Invitation'][]>();
    expectTypeOf<JsonOf<Responses<'/api/organizations', 'get'>[200]>['data']>().toEqualTypeOf<Schemas['Organization'][]>();
    type Keys = JsonOf<Responses<'/api/api-keys', 'get'>[200]>;
    expectTypeOf<Keys>().toEqualTypeOf<{ data: Schemas['ApiKey'][] }>();
  });

  it('GET /api/organizations/me returns the bare Organization, with no envelope', () => {
    type Ok = JsonOf<Responses<'/api/organizations/me', 'get'>[200]>;
    expectTypeOf<Ok>().toEqualTypeOf<Schemas['Organization']>();
    expectTypeOf<Ok>().not.toHaveProperty('data');
    expectTypeOf<Ok>().not.toHaveProperty('success');
    expectTypeOf<Ok['logo']>().toEqualTypeOf<string | null>();
    typeOnly([
      async () => {
        const { data, error } = await client.GET('/api/organizations/me');
        expectTypeOf(data).toEqualTypeOf<Schemas['Organization'] | undefined>();
        expectTypeOf(error).toEqualTypeOf<Schemas['Error'] | undefined>();
      },
    ]);
  });

  it('every error body is {error, reason?, retryAfter?} with the reason enum', () => {
    type E = Schemas['Error'];
    expectTypeOf<E>().toEqualTypeOf<{
      error: string;
      reason?: 'session_required' | 'no_organization' | 'member_suspended' | 'permission_escalation' | 'system_role' | 'email_mismatch' | 'last_owner';
      retryAfter?: number;
    }>();
    expectTypeOf<JsonOf<Responses<'/api/organizations/members', 'get'>[401]>>().toEqualTypeOf<E>();
    expectTypeOf<JsonOf<Responses<'/api/organizations/members', 'get'>[403]>>().toEqualTypeOf<E>();
    expectTypeOf<JsonOf<Responses<'/api/organizations/members', 'get'>[429]>>().toEqualTypeOf<E>();
    expectTypeOf<JsonOf<Responses<'/api/api-keys', 'post'>[422]>>().toEqualTypeOf<E>();
  });

  it('a void operation answers {success: true}', () => {
    expectTypeOf<JsonOf<Responses<'/api/organizations/members/{memberId}', 'delete'>[200]>>().toEqualTypeOf<{ success: true }>();
    expectTypeOf<JsonOf<Responses<'/api/auth/sign-out', 'post'>[200]>>().toEqualTypeOf<Schemas['Success']>();
  });

  it("createApiKey's 201 carries the one-time key; a listed or fetched key never does", () => {
    type Created = JsonOf<Responses<'/api/api-keys', 'post'>[201]>;
    expectTypeOf<Created>().toEqualTypeOf<Schemas['ApiKeyCreated']>();
    expectTypeOf<Created['key']>().toEqualTypeOf<string>();
    expectTypeOf<Created['status']>().toEqualTypeOf<'active'>();
    expectTypeOf<Created['lastUsedAt']>().toEqualTypeOf<null>();
    type Listed = JsonOf<Responses<'/api/api-keys', 'get'>[200]>['data'][number];
    expectTypeOf<Listed>().toEqualTypeOf<Schemas['ApiKey']>();
    expectTypeOf<Listed>().not.toHaveProperty('key');
    expectTypeOf<JsonOf<Responses<'/api/api-keys/{id}', 'get'>[200]>>().not.toHaveProperty('key');
    expectTypeOf<JsonBody<'/api/api-keys', 'post'>>().toEqualTypeOf<{ name: string; expiresAt?: string }>();
  });

  it("createRole's body requires name and permissions, typed as the permission-key union", () => {
    type Body = JsonBody<'/api/organizations/roles', 'post'>;
    type PermissionKey = 'users.read' | 'users.update' | 'users.delete' | 'users.invite' | 'roles.read' | 'roles.create' | 'roles.update' | 'roles.delete';
    expectTypeOf<Body>().toEqualTypeOf<Schemas['CreateRoleRequest']>();
    expectTypeOf<Schemas['PermissionKey']>().toEqualTypeOf<PermissionKey>();
    expectTypeOf<Body['name']>().toEqualTypeOf<string>();
    expectTypeOf<Body['permissions']>().toEqualTypeOf<PermissionKey[]>();
    expectTypeOf<{ name: string; permissions: PermissionKey[] }>().toMatchTypeOf<Body>();
    expectTypeOf<{ name: string }>().not.toMatchTypeOf<Body>();
    expectTypeOf<{ permissions: PermissionKey[] }>().not.toMatchTypeOf<Body>();
    expectTypeOf<JsonOf<Responses<'/api/organizations/roles', 'post'>[201]>>().toEqualTypeOf<Schemas['Role']>();
    expectTypeOf<Schemas['Role']['createdAt']>().toEqualTypeOf<string | null>();
  });

  it("get-session's 200 may be null; sign-in answers {token, user}", () => {
    type Ok = JsonOf<Responses<'/api/auth/get-session', 'get'>[200]>;
    expectTypeOf<Ok>().toEqualTypeOf<Schemas['SessionWithUser'] | null>();
    expectTypeOf<null>().toMatchTypeOf<Ok>();
    expectTypeOf<NonNullable<Ok>['user']>().toEqualTypeOf<Schemas['SessionUser']>();
    expectTypeOf<JsonOf<Responses<'/api/auth/sign-in/email', 'post'>[200]>>().toEqualTypeOf<Schemas['SignInResponse']>();
    expectTypeOf<JsonBody<'/api/auth/sign-in/email', 'post'>>().toEqualTypeOf<{ email: string; password: string }>();
  });

  it('the invitation routes: the public view by token, accept answers {success, organizationId}', () => {
    expectTypeOf<JsonOf<Responses<'/api/invitations/{token}', 'get'>[200]>>().toEqualTypeOf<Schemas['InvitationPublicView']>();
    expectTypeOf<JsonOf<Responses<'/api/invitations/{token}/accept', 'post'>[200]>>().toEqualTypeOf<{ success: true; organizationId: string }>();
    expectTypeOf<JsonBody<'/api/organizations/invitations', 'post'>>().toEqualTypeOf<{ email: string; role: string }>();
    expectTypeOf<Schemas['Invitation']>().not.toHaveProperty('token');
  });

  it('the operations are reachable by operationId', () => {
    expectTypeOf<ToursOperations['createRole']>().toEqualTypeOf<ToursPaths['/api/organizations/roles']['post']>();
    expectTypeOf<ToursOperations['getSession']>().toEqualTypeOf<ToursPaths['/api/auth/get-session']['get']>();
  });

  it('the client offers exactly the documented paths for each method', () => {
    expectTypeOf<PathsWithMethod<ToursPaths, 'get'>>().toEqualTypeOf<
      | '/api/organizations/me'
      | '/api/organizations/me/permissions'
      | '/api/organizations'
      | '/api/organizations/{id}'
      | '/api/organizations/members'
      | '/api/organizations/roles'
      | '/api/organizations/invitations'
      | '/api/invitations/{token}'
      | '/api/api-keys'
      | '/api/api-keys/{id}'
      | '/api/auth/get-session'
    >();
    expectTypeOf<PathsWithMethod<ToursPaths, 'post'>>().toEqualTypeOf<
      | '/api/organizations/roles'
      | '/api/organizations/invitations'
      | '/api/organizations/invitations/{id}'
      | '/api/invitations/{token}/accept'
      | '/api/api-keys'
      | '/api/auth/sign-in/email'
      | '/api/auth/sign-out'
    >();
    expectTypeOf<PathsWithMethod<ToursPaths, 'patch'>>().toEqualTypeOf<
      '/api/organizations/me' | '/api/organizations/{id}' | '/api/organizations/members/{memberId}' | '/api/organizations/roles/{id}' | '/api/api-keys/{id}'
    >();
    expectTypeOf<PathsWithMethod<ToursPaths, 'delete'>>().toEqualTypeOf<
      | '/api/organizations/{id}'
      | '/api/organizations/members/{memberId}'
      | '/api/organizations/roles/{id}'
      | '/api/organizations/invitations/{id}'
      | '/api/api-keys/{id}'
    >();
    expectTypeOf<PathsWithMethod<ToursPaths, 'put'>>().toBeNever();
  });

  it("the client's calls take only the documented bodies and parameters", () => {
    typeOnly([
      () => client.POST('/api/organizations/roles', { body: { name: 'guide', permissions: ['users.read', 'roles.read'] } }),
      () => client.POST('/api/organizations/roles', { body: { name: 'guide', description: null, permissions: [] } }),
      () => client.POST('/api/api-keys', { body: { name: 'CI' } }),
      () => client.POST('/api/organizations/invitations', { body: { email: 'a@b.example', role: 'member' } }),
      () => client.GET('/api/organizations/members', { params: { query: { page: 2, limit: 50, sortBy: 'email', sortDir: 'desc' } } }),
      () => client.DELETE('/api/organizations/members/{memberId}', { params: { path: { memberId: 'mem_1' } } }),
      // @ts-expect-error 'users.fly' is not a permission key
      () => client.POST('/api/organizations/roles', { body: { name: 'pilot', permissions: ['users.fly'] } }),
      // @ts-expect-error permissions is required
      () => client.POST('/api/organizations/roles', { body: { name: 'pilot' } }),
      // @ts-expect-error name is required
      () => client.POST('/api/organizations/roles', { body: { permissions: ['users.read'] } }),
      // @ts-expect-error createApiKey requires a name
      () => client.POST('/api/api-keys', { body: { expiresAt: '2030-01-01T00:00:00.000Z' } }),
      // @ts-expect-error sign-in requires a password
      () => client.POST('/api/auth/sign-in/email', { body: { email: 'a@b.example' } }),
      // @ts-expect-error sortBy is one of createdAt, name, email
      () => client.GET('/api/organizations/members', { params: { query: { sortBy: 'role' } } }),
      // @ts-expect-error the member routes need the memberId path parameter
      () => client.DELETE('/api/organizations/members/{memberId}', {}),
      // @ts-expect-error there is no PUT on the organization
      () => client.PUT('/api/organizations/me', { body: { name: 'Acme' } }),
    ]);
  });

  it('every PATCH body keeps the type of each field it may carry (none is `unknown`)', () => {
    expectTypeOf<JsonBody<'/api/organizations/me', 'patch'>>().not.toBeUnknown();
    expectTypeOf<JsonBody<'/api/organizations/members/{memberId}', 'patch'>['status']>().toEqualTypeOf<'active' | 'suspended' | undefined>();
    expectTypeOf<JsonBody<'/api/organizations/roles/{id}', 'patch'>['permissions']>().toEqualTypeOf<Schemas['PermissionKey'][] | undefined>();
    expectTypeOf<JsonBody<'/api/api-keys/{id}', 'patch'>['status']>().toEqualTypeOf<'active' | 'revoked' | undefined>();
    typeOnly([
      () => client.PATCH('/api/organizations/me', { body: { name: 'Acme Tours', timezone: 'Europe/Paris' } }),
      () => client.PATCH('/api/organizations/roles/{id}', { params: { path: { id: 'role_1' } }, body: { permissions: ['users.read'] } }),
      // @ts-expect-error the name is a string
      () => client.PATCH('/api/organizations/me', { body: { name: 123 } }),
      // @ts-expect-error 'users.fly' is not a permission key
      () => client.PATCH('/api/organizations/roles/{id}', { params: { path: { id: 'role_1' } }, body: { permissions: ['users.fly'] } }),
      // @ts-expect-error a member's status is active or suspended
      () => client.PATCH('/api/organizations/members/{memberId}', { params: { path: { memberId: 'mem_1' } }, body: { status: 'banned' } }),
      // @ts-expect-error an API key's status is active or revoked
      () => client.PATCH('/api/api-keys/{id}', { params: { path: { id: 'key_1' } }, body: { status: 'expired' } }),
    ]);
  });

  it('the options take the three kinds of credential and a fetch', () => {
    expectTypeOf<ToursClientOptions['apiKey']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ToursClientOptions['sessionToken']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<'include'>().toMatchTypeOf<NonNullable<ToursClientOptions['credentials']>>();
    // @ts-expect-error baseUrl is required
    expectTypeOf(createToursClient({ apiKey: 'tke_test_x' })).toEqualTypeOf<ToursClient>();
  });
});

describe('createToursClient sends the credentials it is given', () => {
  /** A client whose fetch records the Request it is handed and answers 200 `{}`. */
  function recording(options: Omit<ToursClientOptions, 'baseUrl' | 'fetch'>) {
    const seen: Request[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      seen.push(input instanceof Request ? input : new Request(input, init));
      return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
    };
    return { seen, client: createToursClient({ baseUrl: 'http://tours.test', fetch, ...options }) };
  }

  it('an API key as Authorization: Bearer, a session token as the better-auth cookie, and credentials: include', async () => {
    const byKey = recording({ apiKey: 'tke_test_0123456789abcdefghijklmnopqrstuv' });
    await byKey.client.GET('/api/organizations/me');
    const bySession = recording({ sessionToken: 'sess-abc' });
    await bySession.client.GET('/api/auth/get-session');
    const byBrowser = recording({ credentials: 'include' });
    await byBrowser.client.GET('/api/auth/get-session');

    const [keyRequest] = byKey.seen;
    expect(keyRequest?.url).toBe('http://tours.test/api/organizations/me');
    expect(keyRequest?.headers.get('authorization')).toBe('Bearer tke_test_0123456789abcdefghijklmnopqrstuv');
    expect(keyRequest?.headers.get('cookie')).toBeNull();

    const [sessionRequest] = bySession.seen;
    expect(sessionRequest?.headers.get('cookie')).toBe('better-auth.session_token=sess-abc');
    expect(sessionRequest?.headers.get('authorization')).toBeNull();

    const [browserRequest] = byBrowser.seen;
    expect(browserRequest?.credentials).toBe('include');
    expect(browserRequest?.headers.get('authorization')).toBeNull();
    expect(browserRequest?.headers.get('cookie')).toBeNull();
  });
});
