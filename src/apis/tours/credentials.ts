/**
 * The two credentials of the Tours & Events API (TA1–TA3, TA6): sessions (the better-auth cookie) and
 * API keys (`Authorization: Bearer tke_<live|test>_<32 base64url chars>`), and passwords.
 *
 * Only hashes are stored: SHA-256 hex of session tokens and keys (TA6), a salted SHA-256 of passwords
 * (a deliberately fast hash: the mock seeds many users and its passwords are printed fixtures; never
 * copy it into a real backend). A key's verification writes to the store (its `lastUsedAt`, or its
 * status turning `expired`), so it runs inside a store write.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DAY, type Clock } from './clock.js';
import { MESSAGES } from './messages.js';
import { isoAt, type ApiKeyRecord, type SessionRecord, type UserRecord } from './records.js';
import type { ToursStore } from './store.js';

/** TA2: a session lasts 7 days from sign-in, exactly (better-auth's default). */
export const SESSION_TTL_MS = 7 * DAY;
/** TA1: better-auth's default cookie name. */
export const SESSION_COOKIE = 'better-auth.session_token';
/** TA1: the mock's keys are test keys. */
export const API_KEY_PREFIX = 'tke_test_';
/** TA1: `tke_`, the environment, `_`, and 24 random bytes as 32 base64url characters. */
export const API_KEY_PATTERN = /^tke_(live|test)_[A-Za-z0-9_-]{32}$/;
/** TA6: the display prefix is the key's first 12 characters. */
export const KEY_PREFIX_LENGTH = 12;

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** The secrets presented lately (an API key, a session token) and their hashes; bounded, and emptied when full. */
const presented = new Map<string, string>();
const PRESENTED_MAX = 1024;

/**
 * The SHA-256 of a credential a request presents, to look it up by (TA6: only hashes are stored).
 * A client sends the same key or token with every request, so the hash is kept in a small map keyed
 * by the secret itself, which holds in memory what every request carries anyway: the hash is taken
 * once per secret rather than once per request.
 */
function presentedHash(secret: string): string {
  let hash = presented.get(secret);
  if (hash === undefined) {
    if (presented.size >= PRESENTED_MAX) presented.clear();
    presented.set(secret, (hash = sha256Hex(secret)));
  }
  return hash;
}

// ---- passwords ----------------------------------------------------------------------------------

/** `sha256$<salt>$<base64url digest>`; the seed passes a deterministic salt (the user id). */
export function hashPassword(password: string, salt: string = randomBytes(16).toString('base64url')): string {
  return `sha256$${salt}$${createHash('sha256').update(`${salt}\0${password}`).digest('base64url')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, salt, expected] = stored.split('$');
  if (scheme !== 'sha256' || salt === undefined || expected === undefined) return false;
  const actual = Buffer.from(hashPassword(password, salt));
  const wanted = Buffer.from(stored);
  return actual.length === wanted.length && timingSafeEqual(actual, wanted);
}

/** Compared against when the email is unknown, so both failures of TA2 cost the same. */
const DUMMY_HASH = hashPassword('not a password', 'dummy');

// ---- tokens -------------------------------------------------------------------------------------

/** A session or invitation token: 32 random bytes, base64url (TI1; 43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A new API key: the prefix and 24 random bytes as 32 base64url characters (TA1). */
export function newApiKey(random: Buffer = randomBytes(24)): string {
  if (random.length !== 24) throw new RangeError('an API key takes 24 random bytes');
  return API_KEY_PREFIX + random.toString('base64url');
}

// ---- sessions -----------------------------------------------------------------------------------

export type SignInResult =
  { readonly ok: true; readonly token: string; readonly session: SessionRecord; readonly user: UserRecord } | { readonly ok: false; readonly error: string };

/** TA2: email (any case) and password → a new 7-day session; one answer for an unknown email and a wrong password. */
export function signIn(store: ToursStore, clock: Clock, email: string, password: string): SignInResult {
  const user = store.userByEmail(email);
  const valid = verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  if (!user || !valid) return { ok: false, error: MESSAGES.invalidEmailOrPassword };
  const token = newToken();
  const now = clock.now();
  const session: SessionRecord = {
    id: randomUUID(),
    tokenHash: sha256Hex(token),
    userId: user.id,
    createdAt: isoAt(now),
    expiresAt: isoAt(now + SESSION_TTL_MS),
    ended: false,
  };
  store.write(() => {
    store.pruneSessions(now, user.id);
    store.sessions.insert(session);
  });
  return { ok: true, token, session, user };
}

/** The live session of a token, or undefined for one that is unknown, ended or past `expiresAt` (TA3). */
export function liveSession(store: ToursStore, clock: Clock, token: string): SessionRecord | undefined {
  const session = store.sessionByTokenHash(presentedHash(token));
  if (!session || session.ended || Date.parse(session.expiresAt) <= clock.now()) return undefined;
  return session;
}

/** TA2: ends the session (its next use is a 401). */
export function signOut(store: ToursStore, sessionId: string): void {
  const session = store.sessions.get(sessionId);
  // Dropped rather than marked: an ended session is refused like an unknown one, and the state stays small.
  if (session) store.write(() => store.sessions.remove(session.id));
}

/** The `Set-Cookie` value of a new session (TA1). */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax`;
}

// ---- API keys -----------------------------------------------------------------------------------

export interface CreatedApiKey {
  readonly record: ApiKeyRecord;
  /** The full key, shown once (TA6). */
  readonly key: string;
}

/** TA6: a new active key of the user; stores its hash and 12-character prefix and returns the full key once. */
export function createApiKey(
  store: ToursStore,
  clock: Clock,
  userId: string,
  name: string,
  expiresAt: string | null,
  key: string = newApiKey(),
): CreatedApiKey {
  const record: ApiKeyRecord = {
    id: randomUUID(),
    userId,
    name,
    keyHash: sha256Hex(key),
    keyPrefix: key.slice(0, KEY_PREFIX_LENGTH),
    status: 'active',
    createdAt: isoAt(clock.now()),
    lastUsedAt: null,
    expiresAt,
  };
  store.write(() => store.apiKeys.insert(record));
  return { record, key };
}

export type KeyCheck = { readonly ok: true; readonly key: ApiKeyRecord } | { readonly ok: false; readonly error: string };

/**
 * TA3: a bearer value as an API key. Not a `tke_` key, malformed or unknown (a key of a deleted
 * organization included, it was deleted with it) → `Invalid API key`; revoked (a removed member's
 * too) → `API key has been revoked`; past `expiresAt` → `API key has expired`, and its status turns
 * `expired` on this use. Each successful use sets `lastUsedAt` (TA6).
 */
export function verifyApiKey(store: ToursStore, clock: Clock, bearer: string): KeyCheck {
  if (!API_KEY_PATTERN.test(bearer)) return { ok: false, error: MESSAGES.invalidApiKey };
  const key = store.apiKeyByHash(presentedHash(bearer));
  if (!key) return { ok: false, error: MESSAGES.invalidApiKey };
  if (key.status === 'revoked') return { ok: false, error: MESSAGES.apiKeyRevoked };
  if (key.status === 'expired') return { ok: false, error: MESSAGES.apiKeyExpired };
  const now = clock.now();
  if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now) {
    store.write(() => store.apiKeys.replace({ ...key, status: 'expired' }));
    return { ok: false, error: MESSAGES.apiKeyExpired };
  }
  const lastUsedAt = isoAt(now);
  // Many uses fall in one millisecond under load: the record already says so, and writing it again changes nothing.
  if (key.lastUsedAt === lastUsedAt) return { ok: true, key };
  const used: ApiKeyRecord = { ...key, lastUsedAt };
  store.write(() => store.apiKeys.replace(used));
  return { ok: true, key: used };
}

// ---- a request's credentials ----------------------------------------------------------------------

/** What a request sent: the bearer value of `Authorization`, and the session cookie's value. */
export interface SentCredentials {
  /** The `Authorization` header's value after `Bearer ` (or the whole header, for another scheme); null when absent. */
  readonly bearer: string | null;
  readonly sessionToken: string | null;
}

/** Reads the raw `Authorization` and `Cookie` headers. A key is never read from a cookie or a query (TA1). */
export function readCredentials(authorization: string | undefined, cookie: string | undefined): SentCredentials {
  let bearer: string | null = null;
  if (authorization !== undefined && authorization.trim() !== '') {
    const match = /^Bearer\s+(.*)$/i.exec(authorization.trim());
    // Any other scheme is a credential that is not a tke_ key: an invalid API key (TA3).
    bearer = match ? (match[1] ?? '').trim() : authorization.trim();
  }
  return { bearer, sessionToken: cookie === undefined ? null : sessionCookieValue(cookie) };
}

/** The session cookie's value in a `Cookie` header, URL-decoded; null when it has none. */
function sessionCookieValue(cookie: string): string | null {
  let sessionToken: string | null = null;
  for (const part of cookie.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== SESSION_COOKIE) continue;
    const raw = part.slice(at + 1).trim();
    try {
      sessionToken = decodeURIComponent(raw);
    } catch {
      sessionToken = raw;
    }
    break;
  }
  return sessionToken;
}

export type Authentication =
  /** Nothing was sent. */
  | { readonly kind: 'none' }
  | { readonly kind: 'refused'; readonly error: string }
  | { readonly kind: 'ok'; readonly credential: 'apiKey' | 'session'; readonly credentialId: string; readonly userId: string };

/**
 * Step 1 of section 4 (TA3): the request's credential, judged. A key wins over a session when both
 * are sent (a browser app has no reason to send a key). `Authentication required` for nothing sent
 * is the caller's to answer (an optional route serves `none`).
 */
export function authenticate(store: ToursStore, clock: Clock, sent: SentCredentials): Authentication {
  if (sent.bearer !== null) {
    const check = verifyApiKey(store, clock, sent.bearer);
    return check.ok ? { kind: 'ok', credential: 'apiKey', credentialId: check.key.id, userId: check.key.userId } : { kind: 'refused', error: check.error };
  }
  if (sent.sessionToken !== null) {
    const session = liveSession(store, clock, sent.sessionToken);
    return session
      ? { kind: 'ok', credential: 'session', credentialId: session.id, userId: session.userId }
      : { kind: 'refused', error: MESSAGES.invalidSession };
  }
  return { kind: 'none' };
}
