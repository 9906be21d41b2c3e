/**
 * The users a run creates for itself. Mutating checks aim at these, never at a principal, so that
 * a wrong answer from the target cannot take a principal away from the rest of the run. Every user
 * carries the run id in its e-mail and is soft-deleted when the run ends.
 */
import { mayGrant, roleName, ROLES, type RoleValue } from '../../../src/contract/index.js';
import type { SecretBook } from '../../kernel/assertions/secrets.js';
import { bodyField, bodyMessage, type Exchange } from '../../kernel/http/exchange.js';
import type { Actor } from './principals/actors.js';
import { isPrincipalName, type PrincipalName } from './principals/names.js';
import type { RunContext } from './context.js';
import type { UserTarget } from './expectations.js';
import { OP } from './operations.js';
import type { CaseScope } from '../../kernel/recorder.js';

export interface DisposableUser extends UserTarget {
  readonly email: string;
  readonly password: string;
  /** Who created it (and may manage it). */
  readonly creator: Actor;
}

export interface UserRequest {
  readonly role: RoleValue;
  /** `home`: the members' organization; `other`: the outsider's. Default home. */
  readonly org?: 'home' | 'other';
  /** Soft-delete it right away (for activate). */
  readonly deleted?: boolean;
  /** Goes into the e-mail and last name, to find it in a report. */
  readonly label: string;
}

interface Tracked {
  readonly id: string;
  readonly creator: string;
  readonly orgId: string | null;
}

export class Fixtures {
  private readonly tracked = new Map<string, Tracked>();
  private readonly shared = new Map<string, Promise<DisposableUser>>();
  private counter = 0;

  constructor(
    private readonly runId: string,
    private readonly secrets: SecretBook,
  ) {}

  /** A fresh e-mail marked with the run id: `conf-<runid>-<label>-<n>@example.test`. */
  email(label: string): string {
    return `conf-${this.runId}-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${++this.counter}@example.test`;
  }

  /** A fresh password that meets the policy (U3); known to the secrets check. */
  password(): string {
    const password = `Conf-${this.runId}-${++this.counter}-Passw0rd`;
    this.secrets.add(password, 'the password of a user the run created');
    return password;
  }

  /** A valid create body (U3) for a user no one has. */
  createBody(label: string, role?: RoleValue): Record<string, unknown> {
    const body: Record<string, unknown> = { email: this.email(label), password: this.password(), firstName: 'Conformance', lastName: label, sendInvite: false };
    if (role !== undefined) body.orgRole = role;
    return body;
  }

  /** Creates a disposable user through the API, or skips the case saying why it could not. */
  async user(ctx: RunContext, scope: CaseScope, request: UserRequest): Promise<DisposableUser> {
    const org = request.org ?? 'home';
    const creator =
      this.creatorFor(ctx, request.role, org) ??
      scope.skip(`no principal may create a ${roleName(request.role)} user in the ${org === 'home' ? "members'" : "outsider's"} organization to aim at`);
    const body = this.createBody(request.label, request.role);
    const created = await ctx.call(scope, creator, OP.createUser, { json: body });
    const id = (bodyField(created, 'data') as { id?: unknown } | undefined)?.id;
    if (created.response?.status !== 201 || typeof id !== 'string')
      scope.skip(`could not create a disposable ${roleName(request.role)} user: ${answer(created)}`);
    const user: DisposableUser = {
      id,
      orgId: creator.member?.orgId ?? null,
      role: request.role,
      deleted: request.deleted === true,
      email: body.email as string,
      password: body.password as string,
      creator,
    };
    if (request.deleted) {
      const deleted = await ctx.call(scope, creator, OP.deleteUser, { params: { userId: id } });
      if (deleted.response?.status !== 200) scope.skip(`could not soft-delete the disposable ${roleName(request.role)} user: ${answer(deleted)}`);
    }
    return user;
  }

  /**
   * A disposable user shared by every case that asks with the same key, created by the first. Cases
   * share one when the answers they expect do not depend on what the others did to it.
   */
  sharedUser(ctx: RunContext, scope: CaseScope, key: string, request: UserRequest): Promise<DisposableUser> {
    let user = this.shared.get(key);
    if (!user) {
      user = this.user(ctx, scope, request);
      this.shared.set(key, user);
    }
    return user;
  }

  /** The owner grants anything; otherwise the highest manager who may grant the role (R5). */
  private creatorFor(ctx: RunContext, role: RoleValue, org: 'home' | 'other'): Actor | undefined {
    const names: readonly PrincipalName[] = org === 'home' ? ['owner', 'administrator', 'workspaces'] : ['outsider'];
    return names
      .map((name) => ctx.actor(name))
      .find((a) => {
        const r = a?.member?.role;
        return typeof r === 'number' && r >= ROLES.WORKSPACES && mayGrant(r, role);
      });
  }

  /** Every 201 of a create, whoever sent it: users a broken target created by mistake are cleaned up too. */
  observe(exchange: Exchange): void {
    const subject = exchange.meta.subject;
    if (subject.kind !== 'operation' || subject.operationId !== OP.createUser || exchange.response?.status !== 201) return;
    const data = bodyField(exchange, 'data') as { id?: unknown; orgId?: unknown } | undefined;
    if (typeof data?.id !== 'string' || this.tracked.has(data.id)) return;
    this.tracked.set(data.id, { id: data.id, creator: exchange.meta.principal, orgId: typeof data.orgId === 'string' ? data.orgId : null });
  }

  get createdCount(): number {
    return this.tracked.size;
  }

  /** Soft-deletes every user the run created (U6); a 400 `already deleted` is fine. Returns a note when some could not be. */
  async cleanup(ctx: RunContext, scope: CaseScope): Promise<string[]> {
    const failed: string[] = [];
    for (const user of this.tracked.values()) {
      const actor = this.cleaner(ctx, user);
      const exchange = actor ? await ctx.call(scope, actor, OP.deleteUser, { params: { userId: user.id } }) : null;
      const status = exchange?.response?.status;
      if (status !== 200 && status !== 400) failed.push(exchange ? answer(exchange) : `user ${user.id}: no principal of its organization may delete it`);
    }
    if (failed.length === 0) return [];
    return [`Could not soft-delete ${failed.length} of the ${this.tracked.size} users the run created (e-mails conf-${this.runId}-...), e.g. ${failed[0]}.`];
  }

  /** The owner may manage anyone (R6); in the outsider's organization only the outsider can. */
  private cleaner(ctx: RunContext, user: Tracked): Actor | undefined {
    if (user.orgId !== null && user.orgId === ctx.otherOrgId) return ctx.actor('outsider');
    return ctx.actor('owner') ?? (isPrincipalName(user.creator) ? ctx.actor(user.creator) : undefined);
  }
}

/** `POST /organization/users answered 403 "Insufficient permissions"`, for skip reasons and notes. */
export function answer(exchange: Exchange): string {
  const what = exchange.response ? `${exchange.response.status}${bodyMessage(exchange) ? ` "${bodyMessage(exchange)}"` : ''}` : (exchange.error ?? 'nothing');
  return `${exchange.request.method} ${exchange.request.path} answered ${what}`;
}
