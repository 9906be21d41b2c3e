/**
 * The benchmarked requests, built from each mock's seeded principals (`GET /__mock/principals`):
 * Flashback's six, and the Tours & Events reads. Prism gets the same requests; where it cannot derive
 * the answer itself (a 403 from a role) it is asked for the documented one with `Prefer: code=403`,
 * its own mechanism.
 */
import type { ApiName } from './options.js';
import { EXAMPLE_ORG_ID } from './servers.js';

export type RequestId = 'get-org' | 'list-users' | 'get-user' | 'create-user' | 'forbidden' | 'login' | 'tours-me' | 'tours-members';

export interface Scenario {
  readonly id: RequestId;
  /** The API it belongs to: the mock and the Prism that serve it. */
  readonly api: ApiName;
  /** How the table names it. */
  readonly label: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** A fixed body, or undefined. */
  readonly body?: string | undefined;
  /** A fresh body per request (unique emails); takes precedence over `body`. */
  readonly uniqueBody?: (() => string) | undefined;
  readonly expectedStatus: number;
  /** Counts toward the "reads" targets. */
  readonly read: boolean;
}

/** What the scenarios need from the principals. */
export interface Cast {
  readonly orgId: string;
  /** A user of the organization to GET. */
  readonly userId: string;
  /** WORKSPACES: lists, gets and creates users. */
  readonly workspacesToken: string;
  /** OWNER: reads the organization. */
  readonly ownerToken: string;
  /** BILLING: may not list users (403). */
  readonly billingToken: string;
  /** A validated user who can log in. */
  readonly login: { readonly email: string; readonly password: string };
}

interface PrincipalRow {
  readonly name: string;
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly orgId: string | null;
  readonly accessToken: string | null;
}

/** Reads the cast from the body of `GET /__mock/principals`. */
export function castFromPrincipals(document: unknown): Cast {
  const rows = (document as { principals?: PrincipalRow[] } | null)?.principals;
  if (!Array.isArray(rows)) throw new Error('GET /__mock/principals has no "principals" array');
  const find = (name: string): PrincipalRow => {
    const row = rows.find((r) => r.name === name);
    if (row === undefined) throw new Error(`GET /__mock/principals has no "${name}" principal`);
    return row;
  };
  const token = (name: string): string => {
    const value = find(name).accessToken;
    if (typeof value !== 'string') throw new Error(`principal "${name}" has no access token`);
    return value;
  };
  const owner = find('owner');
  const user = find('user');
  if (owner.orgId === null) throw new Error('principal "owner" has no organization');
  return {
    orgId: owner.orgId,
    userId: user.userId,
    workspacesToken: token('workspaces'),
    ownerToken: token('owner'),
    billingToken: token('billing'),
    login: { email: user.email, password: user.password },
  };
}

/** Stand-ins for Prism when the mock is not there to give real ids and tokens. */
export const EXAMPLE_CAST: Cast = {
  orgId: EXAMPLE_ORG_ID,
  userId: '550e8400-e29b-41d4-a716-446655440000',
  workspacesToken: 'bench-workspaces',
  ownerToken: 'bench-owner',
  billingToken: 'bench-billing',
  login: { email: 'owner@acme.test', password: 'Owner-Passw0rd' },
};

const JSON_TYPE = 'application/json';

/** A generator of emails no other run of this process has used (the store keeps every one). */
export function emailSequence(tag: string): () => string {
  let n = 0;
  const prefix = `bench-${process.pid}-${Date.now().toString(36)}-${tag}`;
  return () => `${prefix}-${n++}@bench.test`;
}

export function createBody(email: string): string {
  return JSON.stringify({ email, password: 'Bench-Passw0rd1', firstName: 'Bench', lastName: 'User', orgRole: 0 });
}

/** The six benchmarked requests; `forPrism` adds `Prefer: code=403` to the forbidden one. */
export function scenarios(cast: Cast, options: { forPrism: boolean; tag: string }): Scenario[] {
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
  const nextEmail = emailSequence(options.tag);
  return [
    {
      id: 'get-org',
      api: 'flashback',
      label: 'GET /organization/{orgId}',
      method: 'GET',
      path: `/organization/${cast.orgId}`,
      headers: bearer(cast.ownerToken),
      expectedStatus: 200,
      read: true,
    },
    {
      id: 'list-users',
      api: 'flashback',
      label: 'GET /organization/users',
      method: 'GET',
      path: '/organization/users',
      headers: bearer(cast.workspacesToken),
      expectedStatus: 200,
      read: true,
    },
    {
      id: 'get-user',
      api: 'flashback',
      label: 'GET /organization/users/{userId}',
      method: 'GET',
      path: `/organization/users/${cast.userId}`,
      headers: bearer(cast.workspacesToken),
      expectedStatus: 200,
      read: true,
    },
    {
      id: 'create-user',
      api: 'flashback',
      label: 'POST /organization/users',
      method: 'POST',
      path: '/organization/users',
      headers: { ...bearer(cast.workspacesToken), 'content-type': JSON_TYPE },
      uniqueBody: () => createBody(nextEmail()),
      expectedStatus: 201,
      read: false,
    },
    {
      id: 'forbidden',
      api: 'flashback',
      label: 'GET /organization/users (BILLING, 403)',
      method: 'GET',
      path: '/organization/users',
      headers: { ...bearer(cast.billingToken), ...(options.forPrism ? { prefer: 'code=403' } : {}) },
      expectedStatus: 403,
      read: false,
    },
    {
      id: 'login',
      api: 'flashback',
      label: 'POST /user/login',
      method: 'POST',
      path: '/user/login',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify(cast.login),
      expectedStatus: 200,
      read: false,
    },
  ];
}

/** The members of the Tours organization the reads list (the 1,000), generated by the mock's `--users`. */
export const TOURS_MEMBERS = 1000;

/** What the Tours scenarios need from the principals: an API key of an owner of the organization with the members. */
export interface ToursCast {
  readonly apiKey: string;
}

/** Reads the Tours cast from the body of the Tours mock's `GET /__mock/principals`. */
export function toursCastFromPrincipals(document: unknown): ToursCast {
  const rows = (document as { principals?: { name: string; apiKey?: unknown }[] } | null)?.principals;
  if (!Array.isArray(rows)) throw new Error('GET /__mock/principals has no "principals" array');
  const key = rows.find((r) => r.name === 'acme-owner')?.apiKey;
  if (typeof key !== 'string') throw new Error('the Tours mock lists no acme-owner principal with an apiKey');
  return { apiKey: key };
}

/** A stand-in key for Prism when the mock is not there to give one (Prism checks that a bearer value is present, not what it is). */
export const EXAMPLE_TOURS_CAST: ToursCast = { apiKey: 'tke_test_benchbenchbenchbenchbenchbench' };

/** The Tours & Events reads: the caller's organization, and a page of 100 of its members. */
export function toursScenarios(cast: ToursCast): Scenario[] {
  const headers = { authorization: `Bearer ${cast.apiKey}` };
  return [
    {
      id: 'tours-me',
      api: 'tours',
      label: 'GET /api/organizations/me',
      method: 'GET',
      path: '/api/organizations/me',
      headers,
      expectedStatus: 200,
      read: true,
    },
    {
      id: 'tours-members',
      api: 'tours',
      label: `GET /api/organizations/members?limit=100 (${TOURS_MEMBERS.toLocaleString('en-US')} members)`,
      method: 'GET',
      path: '/api/organizations/members?limit=100',
      headers,
      expectedStatus: 200,
      read: true,
    },
  ];
}

/**
 * The order the runs of a throughput round happen in: creates last, so that the list of 50 users is
 * measured before the creates grow the organization (and each round starts from a reset mock).
 */
export function runOrder(list: readonly Scenario[]): Scenario[] {
  return [...list.filter((s) => s.id !== 'create-user'), ...list.filter((s) => s.id === 'create-user')];
}
