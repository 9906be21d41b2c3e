/**
 * POST /user/login, /user/refresh and /user/logout (docs/decisions/flashback.md, section 2, A3 and A4).
 *
 * Signing is async; every state change happens after the last `await`, in one synchronous step that
 * re-reads the state first, so two concurrent refreshes of one token cannot both succeed.
 */
import { randomUUID } from 'node:crypto';
import type { components } from '../../generated/organization.js';
import type { ApiResponse } from '../../engine/api.js';
import type { PublicHandler } from '../../engine/operation-handler.js';
import type { MockContext } from './context.js';
import { CHALLENGE } from './envelopes.js';
import { verifyPassword } from '../../engine/passwords.js';
import type { UserRecord } from './records.js';
import { success } from '../../engine/responses.js';
import type { SignedToken } from './tokens.js';

type Schemas = components['schemas'];
type LoginBody = Schemas['LoginRequest'];
type RefreshBody = Schemas['RefreshRequest'];

function loginFailure(error_code: Schemas['LoginError']['error_code'], message: string): ApiResponse {
  const body: Schemas['LoginError'] = { success: false, error_code, message };
  return { status: 401, body, headers: CHALLENGE };
}

function refreshFailure(message: string): ApiResponse {
  const body: Schemas['RefreshError'] = { success: false, error_code: 'INVALID_REFRESH_TOKEN', message };
  return { status: 401, body, headers: CHALLENGE };
}

/** A4: the docs' `refreshToken`, or `refresh_token` as the official client sends it. */
function refreshTokenOf(body: RefreshBody): string {
  return body.refreshToken ?? body.refresh_token ?? '';
}

interface IssuedTokens {
  readonly tokenId: string;
  readonly access: SignedToken;
  readonly refresh: SignedToken;
}

export function authHandlers(context: MockContext) {
  async function signTokens(user: UserRecord): Promise<IssuedTokens> {
    const tokenId = randomUUID();
    const [access, refresh] = await Promise.all([context.tokens.signAccess(user), context.tokens.signRefresh(user.id, tokenId)]);
    return { tokenId, access, refresh };
  }

  /**
   * Stores the new refresh token, signed for `user` as they were before the last await; false (store
   * nothing, hand out nothing) when the user was deleted or their tokens ended meanwhile (U6).
   */
  function storeRefreshToken(user: UserRecord, issued: IssuedTokens): boolean {
    const record = {
      id: issued.tokenId,
      userId: user.id,
      issuedAt: context.isoNow(),
      expiresAt: new Date(issued.refresh.expiresAtMs).toISOString(),
      revoked: false,
    };
    return context.store.issueRefreshToken(record, user.tokenEpoch, Date.parse(record.issuedAt));
  }

  const login: PublicHandler<LoginBody> = {
    kind: 'public',
    async run({ body }) {
      const user = context.store.userByEmail(body.email);
      if (!user) return loginFailure('USER_NOT_FOUND', context.messages.loginUserNotFound);
      // The password first: without it, nobody learns whether an account is deleted or unvalidated.
      if (!verifyPassword(body.password, user.passwordHash)) return loginFailure('INVALID_PASSWORD', context.messages.loginInvalidPassword);
      if (user.deletedAt !== null || !user.validated) return loginFailure('USER_INACTIVE', context.messages.loginInactive);
      const issued = await signTokens(user);
      if (!context.store.user(user.id)) return loginFailure('USER_NOT_FOUND', context.messages.loginUserNotFound); // reset while signing
      // Deleted while signing: the tokens are not handed out, or activating the user (U7) would bring them to life.
      if (!storeRefreshToken(user, issued)) return loginFailure('USER_INACTIVE', context.messages.loginInactive);
      const response: Schemas['LoginResponse'] = {
        success: true,
        accessToken: issued.access.token,
        refreshToken: issued.refresh.token,
        tokenId: issued.tokenId,
        expiresAt: new Date(issued.access.expiresAtMs).toISOString(),
        user: { id: user.id, email: user.email, name: user.name, orgId: user.orgId },
      };
      return success(200, response);
    },
  };

  const refreshToken: PublicHandler<RefreshBody> = {
    kind: 'public',
    async run({ body }) {
      const claims = await context.tokens.verifyRefresh(refreshTokenOf(body));
      if (!claims) return refreshFailure(context.messages.invalidRefreshToken);
      const known = context.store.refreshToken(claims.jti);
      const before = context.store.user(claims.userId);
      if (!known || known.revoked || known.userId !== claims.userId || !before || before.deletedAt !== null)
        return refreshFailure(context.messages.invalidRefreshToken);
      const issued = await signTokens(before);
      // Re-read after the last await: the token may have been used, or the user deleted, meanwhile.
      const record = context.store.refreshToken(claims.jti);
      const user = context.store.user(claims.userId);
      if (!record || record.revoked || record.userId !== claims.userId || !user || user.deletedAt !== null || user.tokenEpoch !== before.tokenEpoch) {
        return refreshFailure(context.messages.invalidRefreshToken);
      }
      context.store.revokeRefreshToken(record.id);
      if (!storeRefreshToken(user, issued)) return refreshFailure(context.messages.invalidRefreshToken);
      const response: Schemas['RefreshResponse'] = {
        success: true,
        accessToken: issued.access.token,
        refreshToken: issued.refresh.token,
        expiresAt: new Date(issued.access.expiresAtMs).toISOString(),
      };
      return success(200, response);
    },
  };

  const logout: PublicHandler<RefreshBody> = {
    kind: 'public',
    async run({ body }) {
      const claims = await context.tokens.verifyRefresh(refreshTokenOf(body));
      // Idempotent: an unknown, forged, expired or already revoked token gets the same 200 (and the
      // engine's write of the state after it, harmless when nothing was revoked).
      if (claims !== null && context.store.refreshToken(claims.jti)?.userId === claims.userId) context.store.revokeRefreshToken(claims.jti);
      const response: Schemas['LogoutResponse'] = { success: true };
      return success(200, response);
    },
  };

  return { login, refreshToken, logout };
}
