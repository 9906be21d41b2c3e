/**
 * Access and refresh tokens: HS256 JWTs signed and verified with `jose` (A4, A5).
 *
 * Access payload: `userId`, `email`, `orgId`, `type: "access"`, `iat`, `exp` (the official
 * client's payload) plus `epoch`, the user's token epoch at issue time: deleting a user bumps it,
 * which ends every access token issued before (U6). The role is never in the token (R8).
 *
 * Verification is on the hot path of every request and `jose` is async, so verified access tokens
 * are kept in a bounded Map (token → claims). A hit is answered synchronously; expiry is checked
 * again on every hit, and the caller re-reads the user's state (authenticate.ts).
 */
import { createHash, webcrypto } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';

const ALGORITHM = 'HS256';
/** Refresh tokens outlive access tokens (docs: "lasts longer", length not given). */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
/** Enough for every seeded principal and a load test's worth of users; the oldest entry goes first. */
const VERIFIED_CACHE_LIMIT = 10_000;

export interface AccessClaims {
  readonly userId: string;
  readonly email: string;
  readonly orgId: string | null;
  readonly type: 'access';
  readonly iat: number;
  readonly exp: number;
  readonly epoch: number;
}

export interface RefreshClaims {
  readonly userId: string;
  readonly type: 'refresh';
  /** The refresh token's id, stored server-side (RefreshTokenRecord.id). */
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
}

export interface SignedToken {
  readonly token: string;
  /** Expiry, milliseconds since the epoch. */
  readonly expiresAtMs: number;
}

export interface TokenSubject {
  readonly id: string;
  readonly email: string;
  readonly orgId: string | null;
  readonly tokenEpoch: number;
}

/** The HS256 key: the configured one, or one derived from the seed so tokens survive a restart with the same seed. */
export function signingKey(configured: string | undefined, seed: number): Uint8Array {
  if (configured !== undefined && configured !== '') return new TextEncoder().encode(configured);
  return createHash('sha256').update(`org-contract mock signing key, seed ${seed}`).digest();
}

export class TokenService {
  private readonly verified = new Map<string, AccessClaims>();
  /**
   * The key imported into WebCrypto once. Handing jose the raw bytes makes it import them again for
   * every signature and verification (about 30% of a login's time in the bench profile).
   */
  private cryptoKey: Promise<webcrypto.CryptoKey> | undefined;

  constructor(
    private readonly key: Uint8Array,
    private readonly accessTtlSeconds: number,
    private readonly now: () => number,
  ) {}

  private hmacKey(): Promise<webcrypto.CryptoKey> {
    this.cryptoKey ??= webcrypto.subtle.importKey('raw', this.key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    return this.cryptoKey;
  }

  async signAccess(user: TokenSubject): Promise<SignedToken> {
    const iat = this.nowSeconds();
    const exp = iat + this.accessTtlSeconds;
    const payload = { userId: user.id, email: user.email, orgId: user.orgId, type: 'access', epoch: user.tokenEpoch };
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(await this.hmacKey());
    return { token, expiresAtMs: exp * 1000 };
  }

  async signRefresh(userId: string, tokenId: string): Promise<SignedToken> {
    const iat = this.nowSeconds();
    const exp = iat + REFRESH_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({ userId, type: 'refresh' })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setJti(tokenId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(await this.hmacKey());
    return { token, expiresAtMs: exp * 1000 };
  }

  /** The claims of a valid, unexpired access token, or null. Synchronous when the token was verified before. */
  verifyAccess(token: string): AccessClaims | null | Promise<AccessClaims | null> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.exp * 1000 > this.now()) return hit;
      this.verified.delete(token);
      return null;
    }
    return this.verify(token).then((payload) => {
      const claims = asAccessClaims(payload);
      if (claims) this.remember(token, claims);
      return claims;
    });
  }

  async verifyRefresh(token: string): Promise<RefreshClaims | null> {
    return asRefreshClaims(await this.verify(token));
  }

  /** Forgets every verified token (on reset and import). */
  clearCache(): void {
    this.verified.clear();
  }

  private async verify(token: string): Promise<JWTPayload | null> {
    try {
      // Only HS256 (A5): `alg: none`, HS512 and every other algorithm are rejected here.
      const { payload } = await jwtVerify(token, await this.hmacKey(), { algorithms: [ALGORITHM], currentDate: new Date(this.now()) });
      return payload;
    } catch {
      return null;
    }
  }

  private remember(token: string, claims: AccessClaims): void {
    if (this.verified.size >= VERIFIED_CACHE_LIMIT) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, claims);
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}

function asAccessClaims(payload: JWTPayload | null): AccessClaims | null {
  if (!payload || payload.type !== 'access') return null;
  const { userId, email, orgId, iat, exp, epoch } = payload;
  if (typeof userId !== 'string' || typeof email !== 'string' || (orgId !== null && typeof orgId !== 'string')) return null;
  if (typeof iat !== 'number' || typeof exp !== 'number' || typeof epoch !== 'number') return null;
  return Object.freeze({ userId, email, orgId, type: 'access', iat, exp, epoch });
}

function asRefreshClaims(payload: JWTPayload | null): RefreshClaims | null {
  if (!payload || payload.type !== 'refresh') return null;
  const { userId, jti, iat, exp } = payload;
  if (typeof userId !== 'string' || typeof jti !== 'string' || typeof iat !== 'number' || typeof exp !== 'number') return null;
  return { userId, type: 'refresh', jti, iat, exp };
}
