/**
 * Password hashes of the mock: a salted SHA-256, compared in constant time.
 *
 * Why not scrypt or bcrypt: this is a mock whose passwords are fixtures printed in its docs, not
 * secrets. It seeds up to 100,000 users at start and on every reset, and a deliberately slow hash
 * (tens of milliseconds each) would turn that into minutes. A salted SHA-256 keeps the shape of a
 * real credential check (no plain text stored, a per-user salt, a constant-time compare) at about
 * a microsecond per user. Never copy this into a real backend.
 */
import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

const SCHEME = 'sha256';

/** `sha256$<salt>$<base64url digest>`. Seeding passes a deterministic salt so the same seed gives the same state. */
export function hashPassword(password: string, salt: string = randomBytes(16).toString('base64url')): string {
  return `${SCHEME}$${salt}$${digest(salt, password)}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, expected] = stored.split('$');
  if (scheme !== SCHEME || salt === undefined || expected === undefined) return false;
  const actual = Buffer.from(digest(salt, password));
  const wanted = Buffer.from(expected);
  return actual.length === wanted.length && timingSafeEqual(actual, wanted);
}

/** True when the string has the shape hashPassword produces (for state import). */
export function isPasswordHash(value: string): boolean {
  return /^sha256\$[^$]+\$[A-Za-z0-9_-]{43}$/.test(value);
}

function digest(salt: string, password: string): string {
  return hash('sha256', `${salt}\0${password}`, 'base64url');
}
