/** What every Flashback handler may use; `store` is the current one (reset and import replace it). */
import type { OperationSpec } from '../../contract/index.js';
import type { ApiResponse } from '../../engine/api.js';
import type { MemberHandler } from '../../engine/operation-handler.js';
import type { Organization, UserRecord } from './records.js';
import type { Messages } from './messages.js';
import type { MockStore } from './store.js';
import type { TokenService } from './tokens.js';

export interface MockContext {
  readonly store: MockStore;
  readonly tokens: TokenService;
  /** The fixed messages, read from the spec (messages.ts). */
  readonly messages: Messages;
  /** An error answer of the operation, in the envelope its spec documents for that status. */
  fail(op: OperationSpec, status: number, message: string): ApiResponse;
  /** The current time as ISO 8601 UTC with milliseconds (E2). */
  isoNow(): string;
}

/** A Flashback handler: the caller, the target and the organization are user and organization records. */
export type FlashbackHandler<Body = unknown> = MemberHandler<Body, UserRecord, UserRecord, Readonly<Organization>>;
