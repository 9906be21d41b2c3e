/**
 * Who sends a request: a resolved principal, or a pseudo-principal carrying credentials the target
 * must refuse with a 401 (A2): no header, a header without the Bearer scheme, a token that is not a
 * JWT, a JWT signed with another key, an unsigned JWT.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { RoleValue } from '../../../../src/contract/index.js';
import type { Authorization } from '../../../kernel/http/client.js';
import type { Principal } from './resolve.js';

export interface Actor {
  /** A principal name, or a pseudo-principal such as `no-token`. */
  readonly name: string;
  readonly authorization: Authorization | undefined;
  /** What the actor is, in words that fit a reason: `a JWT signed with another key`. */
  readonly description: string;
  /** Null for a pseudo-principal: the target must not recognise it. */
  readonly member: {
    /** Null: no organization. Undefined: not known (a backend that does not say). */
    readonly role: RoleValue | null | undefined;
    readonly orgId: string | null;
    readonly userId: string | null;
  } | null;
}

export const PSEUDO_NAMES = ['no-token', 'malformed-header', 'garbage-token', 'wrong-signature', 'alg-none'] as const;
export type PseudoName = (typeof PSEUDO_NAMES)[number];

export function principalActor(principal: Principal & { readonly token: string }): Actor {
  return {
    name: principal.name,
    authorization: { value: `Bearer ${principal.token}`, label: `Bearer <${principal.name}'s token>` },
    description: principal.name,
    member: { role: principal.role, orgId: principal.orgId, userId: principal.userId },
  };
}

/**
 * The pseudo-principals. Forged tokens carry the claims of `model` (the owner when there is one,
 * A5's payload) so that a target which decodes without verifying would let them in.
 */
export async function pseudoActors(model: Principal | undefined): Promise<readonly Actor[]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    userId: model?.userId ?? '00000000-0000-4000-8000-000000000000',
    email: model?.email ?? 'owner@example.test',
    orgId: model?.orgId ?? '00000000-0000-4000-8000-000000000001',
    type: 'access',
  };
  const whose = model ? `${model.name}'s` : 'made-up';
  const forged = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(randomBytes(32));
  const unsigned = [
    { alg: 'none', typ: 'JWT' },
    { ...claims, iat: now, exp: now + 3600 },
  ]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.')
    .concat('.');
  const pseudo = (name: PseudoName, description: string, authorization?: Authorization): Actor => ({ name, description, authorization, member: null });
  return [
    pseudo('no-token', 'a request with no Authorization header'),
    pseudo(
      'malformed-header',
      'an Authorization header without the Bearer scheme',
      model?.token ? { value: model.token, label: `<${model.name}'s token> with no scheme` } : { value: 'Bearer', label: 'Bearer (no token)' },
    ),
    pseudo('garbage-token', 'a bearer token that is not a JWT', { value: 'Bearer not-a-jwt.conformance', label: 'Bearer not-a-jwt.conformance' }),
    pseudo('wrong-signature', `a JWT with ${whose} claims signed with another key`, {
      value: `Bearer ${forged}`,
      label: `Bearer <HS256 JWT with ${whose} claims, random key>`,
    }),
    pseudo('alg-none', `an unsigned JWT (alg: none) with ${whose} claims`, {
      value: `Bearer ${unsigned}`,
      label: `Bearer <alg:none JWT with ${whose} claims>`,
    }),
  ];
}
