/**
 * What is safe where. On the loopback (127.0.0.1, ::1, localhost) only this machine reaches the mock:
 * the control plane is open and the signing key derives from the seed, so that tests and the
 * conformance suite get the same tokens run after run. Beyond it (0.0.0.0, a LAN address) anyone who
 * reaches the port could read every password hash and token from /__mock, make themselves an OWNER
 * with PUT /__mock/state, or mint a token with the public seed's key: there the control plane needs a
 * token and the signing key is a secret (given, or random for the run).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** Does `host` reach only this machine? */
export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.trim().toLowerCase());
}

export interface ExposureSettings {
  /** The HS256 key / HMAC key of the seeded credentials; undefined: the seed's (loopback only). */
  readonly signingKey: string | undefined;
  /** The token `/__mock` requires, or null for an open control plane. */
  readonly controlToken: string | null;
}

/** A random secret of 32 bytes, base64url. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Given values win; beyond the loopback a missing one is made at random; on it none is. */
export function resolveExposure(
  host: string,
  given: { readonly signingKey?: string | undefined; readonly controlToken?: string | undefined },
): ExposureSettings {
  const exposed = !isLoopback(host);
  const signingKey = given.signingKey || (exposed ? randomSecret() : undefined);
  const controlToken = given.controlToken || (exposed ? randomSecret() : null);
  return { signingKey, controlToken };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Does the request carry `token`, as `Authorization: Bearer <token>`? Compared in constant time
 * (of their digests, so that the length leaks nothing either).
 */
export function carriesToken(authorization: string | undefined, token: string): boolean {
  if (typeof authorization !== 'string') return false;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  return match !== null && timingSafeEqual(digest(match[1] as string), digest(token));
}
