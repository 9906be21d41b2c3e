/**
 * Who sends a request: a principal with one of its two credentials (an API key as a bearer value,
 * or the session cookie, TA1), or a pseudo-principal whose credential the target must refuse with
 * its own 401 message (TA3): none at all, a bearer value that is no key, an unknown key, an expired
 * key, a revoked key, an ended session.
 */
import { randomBytes } from 'node:crypto';
import type { Authorization } from '../../kernel/http/client.js';
import { SESSION_COOKIE, type Extras, type ResolvedPrincipal } from './principals.js';

export type CredentialKind = 'apiKey' | 'session';
export const CREDENTIAL_KINDS: readonly CredentialKind[] = ['session', 'apiKey'];

export interface Actor {
  /** `acme-owner (session)`, `acme-owner (key)`, or a pseudo-principal such as `expired-key`. */
  readonly name: string;
  /** The principal behind it; null for a pseudo-principal. */
  readonly principal: ResolvedPrincipal | null;
  /** The kind of credential sent; null: none. */
  readonly kind: CredentialKind | null;
  readonly authorization: Authorization | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** What it is, in words that fit a reason. */
  readonly description: string;
  /** The Unauthorized example whose message the target must answer with (TA3), for a credential it must refuse. */
  readonly refusal: RefusalExample | null;
}

/** The examples of `components.responses.Unauthorized`, one per credential failure of TA3. */
export type RefusalExample = 'missing' | 'invalidKey' | 'expiredKey' | 'revokedKey' | 'invalidSession';

export function sessionHeaders(token: string): Readonly<Record<string, string>> {
  return { cookie: `${SESSION_COOKIE}=${token}` };
}

export function keyAuthorization(key: string, whose: string): Authorization {
  return { value: `Bearer ${key}`, label: `Bearer <${whose}>` };
}

/** A principal with one of its credentials; undefined when the run does not have that credential. */
export function principalActor(principal: ResolvedPrincipal, kind: CredentialKind): Actor | undefined {
  const name = principal.spec.name;
  if (kind === 'session') {
    if (!principal.sessionToken) return undefined;
    return {
      name: `${name} (session)`,
      principal,
      kind,
      authorization: undefined,
      headers: sessionHeaders(principal.sessionToken),
      description: `${principal.spec.description}, signed in`,
      refusal: null,
    };
  }
  if (!principal.apiKey) return undefined;
  return {
    name: `${name} (key)`,
    principal,
    kind,
    authorization: keyAuthorization(principal.apiKey, `${name}'s API key`),
    headers: undefined,
    description: `${principal.spec.description}, with an API key`,
    refusal: null,
  };
}

function pseudo(name: string, description: string, refusal: RefusalExample, send: { key?: string; session?: string }): Actor {
  return {
    name,
    principal: null,
    kind: send.key !== undefined ? 'apiKey' : send.session !== undefined ? 'session' : null,
    authorization: send.key !== undefined ? { value: `Bearer ${send.key}`, label: `Bearer <${description}>` } : undefined,
    headers: send.session !== undefined ? sessionHeaders(send.session) : undefined,
    description,
    refusal,
  };
}

/** A well-formed key nobody issued: `tke_test_` and 32 base64url characters (TA1). */
export function unknownKey(): string {
  return `tke_test_${randomBytes(24).toString('base64url')}`;
}

/**
 * The pseudo-principals every run has (no credential, a bearer value that is no key, an unknown key,
 * an unknown session), and those the run's extras allow (the seeded expired and revoked keys).
 */
export function pseudoActors(extras: Extras): Actor[] {
  const actors = [
    pseudo('no-credential', 'no credential at all', 'missing', {}),
    pseudo('not-a-key', 'a bearer value that is not a tke_ key', 'invalidKey', { key: 'not-a-key-at-all' }),
    pseudo('unknown-key', 'a well-formed API key nobody issued', 'invalidKey', { key: unknownKey() }),
    pseudo('unknown-session', 'a session token nobody issued', 'invalidSession', { session: randomBytes(24).toString('base64url') }),
  ];
  if (extras.expiredApiKey) actors.push(pseudo('expired-key', 'an API key past its expiresAt', 'expiredKey', { key: extras.expiredApiKey }));
  if (extras.revokedApiKey) actors.push(pseudo('revoked-key', 'a revoked API key', 'revokedKey', { key: extras.revokedApiKey }));
  return actors;
}

/** An actor for a credential the run made or ended itself (a signed-out session, a key it revoked). */
export function credentialActor(
  name: string,
  description: string,
  refusal: RefusalExample | null,
  send: { key?: string; session?: string },
  principal: ResolvedPrincipal | null = null,
): Actor {
  return { ...pseudo(name, description, refusal ?? 'missing', send), refusal, principal };
}
