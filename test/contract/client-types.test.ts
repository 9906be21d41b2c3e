/**
 * Type tests: the generated types follow the spec, so the typed client hands callers the documented shapes.
 * They fail at type-check time, not at run time: `npm run typecheck` (tsc --noEmit over test/, a step of
 * `npm test`) rejects this file when the spec and the types drift apart; `vitest run` alone would not.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { PathsWithMethod } from 'openapi-typescript-helpers';
import { createOrganizationClient, type components, type OrganizationClient, type paths } from '../../src/client.js';

type Schemas = components['schemas'];
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never;

describe('the generated types follow the spec', () => {
  it('the single-user GET returns the bare user object, with no envelope', () => {
    type Ok = JsonOf<Responses<'/organization/users/{userId}', 'get'>[200]>;
    expectTypeOf<Ok>().toEqualTypeOf<Schemas['OrgUser']>();
    expectTypeOf<Ok>().not.toHaveProperty('success');
    expectTypeOf<Ok['orgRoles']>().toEqualTypeOf<(0 | 1 | 2 | 254 | 255)[]>();
  });

  it('the list returns {success, data, total}', () => {
    type Ok = JsonOf<Responses<'/organization/users', 'get'>[200]>;
    expectTypeOf<Ok['success']>().toEqualTypeOf<true>();
    expectTypeOf<Ok['data']>().toEqualTypeOf<Schemas['OrgUser'][]>();
    expectTypeOf<Ok['total']>().toEqualTypeOf<number>();
  });

  it('the list 403 carries an empty list and no message', () => {
    type Forbidden = JsonOf<Responses<'/organization/users', 'get'>[403]>;
    expectTypeOf<Forbidden>().toEqualTypeOf<Schemas['UserListError']>();
    expectTypeOf<Forbidden>().not.toHaveProperty('message');
  });

  it('create answers 201 with the user under data and a message', () => {
    type Created = JsonOf<Responses<'/organization/users', 'post'>[201]>;
    expectTypeOf<Created['data']>().toEqualTypeOf<Schemas['OrgUser']>();
    expectTypeOf<Created['message']>().toEqualTypeOf<'User created successfully. Verification email sent.' | 'User created successfully.'>();
  });

  it('create requires email, password, firstName and lastName and takes only the five role values', () => {
    type Body = Schemas['CreateUserRequest'];
    expectTypeOf<Body['email']>().toEqualTypeOf<string>();
    expectTypeOf<Body['firstName']>().toEqualTypeOf<string>();
    expectTypeOf<Pick<Body, 'orgRole'>>().toMatchTypeOf<{ orgRole?: 0 | 1 | 2 | 254 | 255 }>();
  });

  it('delete and activate answer {success, message} without data', () => {
    type Deleted = JsonOf<Responses<'/organization/users/{userId}', 'delete'>[200]>;
    type Activated = JsonOf<Responses<'/organization/users/{userId}/activate', 'post'>[200]>;
    expectTypeOf<Deleted>().toEqualTypeOf<{ success: true; message: 'User deleted successfully' }>();
    expectTypeOf<Activated>().toEqualTypeOf<{ success: true; message: 'User activated successfully' }>();
  });

  it('every authenticated operation documents the shared 401 body', () => {
    type Unauthorized = JsonOf<Responses<'/organization/{orgId}', 'put'>[401]>;
    expectTypeOf<Unauthorized>().toEqualTypeOf<Schemas['AuthRequiredError']>();
    expectTypeOf<Unauthorized['error_code']>().toEqualTypeOf<'NO_AUTH_USER'>();
  });

  it('the client offers exactly the documented paths for each method', () => {
    expectTypeOf<PathsWithMethod<paths, 'get'>>().toEqualTypeOf<'/organization/{orgId}' | '/organization/users' | '/organization/users/{userId}'>();
    expectTypeOf<PathsWithMethod<paths, 'post'>>().toEqualTypeOf<
      '/organization/users' | '/organization/users/{userId}/activate' | '/user/login' | '/user/refresh' | '/user/logout'
    >();
    expectTypeOf<OrganizationClient['DELETE']>().toBeFunction();
  });
});

describe('the refresh and logout bodies are typed (A4)', () => {
  it('RefreshRequest requires refreshToken or refresh_token, each a string', () => {
    type Body = Schemas['RefreshRequest'];
    expectTypeOf<Body>().not.toBeUnknown();
    expectTypeOf<Body>().not.toBeAny();
    expectTypeOf<{ refreshToken: string }>().toMatchTypeOf<Body>();
    expectTypeOf<{ refresh_token: string }>().toMatchTypeOf<Body>();
    expectTypeOf<{ refreshToken: string; refresh_token: string }>().toMatchTypeOf<Body>();
    expectTypeOf<{ token: string }>().not.toMatchTypeOf<Body>();
    expectTypeOf<{ refreshToken: number }>().not.toMatchTypeOf<Body>();
  });

  it('the typed client takes either spelling for refresh and logout, and nothing else', () => {
    type JsonBody<P extends keyof paths> = paths[P] extends { post: { requestBody: { content: { 'application/json': infer B } } } } ? B : never;
    expectTypeOf<JsonBody<'/user/refresh'>>().toEqualTypeOf<Schemas['RefreshRequest']>();
    expectTypeOf<JsonBody<'/user/logout'>>().toEqualTypeOf<Schemas['RefreshRequest']>();
    const client = createOrganizationClient({ baseUrl: 'http://127.0.0.1:4010' });
    // Type checks only: these calls are never made (the functions are not invoked).
    const calls = [
      () => client.POST('/user/refresh', { body: { refreshToken: 'a.b.c' } }),
      () => client.POST('/user/refresh', { body: { refresh_token: 'a.b.c' } }),
      () => client.POST('/user/logout', { body: { refresh_token: 'a.b.c' } }),
      // @ts-expect-error a refresh token is a string
      () => client.POST('/user/refresh', { body: { refreshToken: 1 } }),
      // @ts-expect-error one of refreshToken or refresh_token is required
      () => client.POST('/user/logout', { body: {} }),
    ];
    expectTypeOf(calls).toBeArray();
  });
});

describe('request types keep defaulted fields optional', () => {
  it('create may omit orgRole and sendInvite, which default to 0 and true (U3)', () => {
    expectTypeOf<{ email: string; password: string; firstName: string; lastName: string }>().toMatchTypeOf<Schemas['CreateUserRequest']>();
  });
});
