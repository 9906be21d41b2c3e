/**
 * The organization-user operations (docs/decisions/flashback.md, sections 1 and 6). Authentication, the
 * role and tenant checks, body validation and the rank rules are the pipeline's; these hold the
 * self rules, the state rules, the conflicts and the changes.
 */
import { randomUUID } from 'node:crypto';
import { ROLES, type RoleValue } from '../../contract/index.js';
import type { components } from '../../generated/organization.js';
import { resolved, type Found, type MemberRequest } from '../../engine/operation-handler.js';
import type { FlashbackHandler, MockContext } from './context.js';
import { hashPassword } from '../../engine/passwords.js';
import type { UserRecord } from './records.js';
import { recordBodies } from '../../engine/json-body.js';
import { success } from '../../engine/responses.js';
import { fitSubject } from '../../engine/state-limits.js';
import type { UserChanges } from './store.js';

type Schemas = components['schemas'];
/** The create body as sent: `orgRole` and `sendInvite` have defaults (U3), so the generated type keeps them optional. */
type CreateBody = Schemas['CreateUserRequest'];
type UpdateBody = Schemas['UpdateUserRequest'];

/** U5: the writable fields of an update. */
const UPDATE_FIELDS = ['name', 'lastName', 'orgRole'] as const satisfies readonly (keyof UpdateBody)[];
type UnlistedUpdateField = Exclude<keyof UpdateBody, (typeof UPDATE_FIELDS)[number]>;
const everyUpdateFieldListed: [UnlistedUpdateField] extends [never] ? true : UnlistedUpdateField = true;
void everyUpdateFieldListed;

const target = (request: MemberRequest<unknown, UserRecord, UserRecord>): UserRecord => resolved(request.target, 'a target user', request.op.operationId);

/** The store's view of a user is frozen and kept until the user changes: it is the body, serialised once. */
const userBody = recordBodies((view: Schemas['OrgUser']) => view);

export function userHandlers(context: MockContext) {
  /** The `{userId}` user of `x-access.target`, with its organization and rank for the access checks. */
  const findUser = (id: string): Found<UserRecord> | undefined => {
    const user = context.store.user(id);
    return user && { record: user, tenantId: user.orgId, ownerId: user.id, rank: user.orgRole };
  };

  const listOrganizationUsers: FlashbackHandler = {
    kind: 'member',
    run({ op, caller }) {
      // The store's body of the list, with its bytes registered: the engine sends them instead of
      // serialising up to 100,000 users again.
      return success(200, context.store.orgUsersList(resolved(caller.orgId, 'an organization', op.operationId)));
    },
  };

  const createOrganizationUser: FlashbackHandler<CreateBody> = {
    kind: 'member',
    trimmedFields: ['firstName', 'lastName'],
    fieldMessages: { password: context.messages.passwordPolicy },
    grantedRank: ({ body }) => body.orgRole ?? ROLES.USER,
    run({ op, caller, body }) {
      if (context.store.userByEmail(body.email)) return context.fail(op, 409, context.messages.emailInUse);
      const orgRole: RoleValue = body.orgRole ?? ROLES.USER;
      const user: UserRecord = {
        id: randomUUID(),
        email: body.email,
        name: body.firstName,
        lastName: body.lastName,
        orgId: resolved(caller.orgId, 'an organization', op.operationId),
        orgRole,
        validated: false,
        deletedAt: null,
        passwordHash: hashPassword(body.password),
        tokenEpoch: 0,
      };
      const invite = body.sendInvite ?? true;
      context.store.addUser(user);
      if (invite) {
        // The docs: `sendInvite` emails an invite, and the new user gets a verification email and
        // must verify before logging in. Both go out together (U3 settles that false sends neither).
        const sentAt = context.isoNow();
        const organization = context.store.organization(user.orgId as string);
        // Made of two inputs of up to 254 and 255 characters: kept within the outbox's documented subject length.
        const invitation = fitSubject(`${caller.email} invited you to ${organization?.name ?? 'their organization'}`);
        context.store.addEmail({ id: randomUUID(), kind: 'invite', to: user.email, userId: user.id, subject: invitation, sentAt });
        context.store.addEmail({ id: randomUUID(), kind: 'verification', to: user.email, userId: user.id, subject: 'Verify your email address', sentAt });
      }
      const response: Schemas['UserCreatedEnvelope'] = {
        success: true,
        data: context.store.orgUser(user),
        message: invite ? context.messages.userCreatedInvited : context.messages.userCreated,
      };
      return success(201, response);
    },
  };

  const getOrganizationUser: FlashbackHandler = {
    kind: 'member',
    findTarget: findUser,
    run(request) {
      const body: Schemas['OrgUser'] = userBody(context.store.orgUser(target(request)));
      return success(200, body);
    },
  };

  const updateOrganizationUser: FlashbackHandler<UpdateBody> = {
    kind: 'member',
    findTarget: findUser,
    trimmedFields: ['name', 'lastName'],
    bodyRule: (body) => (UPDATE_FIELDS.some((field) => body[field] !== undefined) ? null : context.messages.noValidFields),
    selfRule: (request) => (target(request).id === request.caller.id && request.body.orgRole !== undefined ? context.messages.ownRole : null),
    grantedRank: ({ body }) => body.orgRole ?? null,
    run(request) {
      const user = target(request);
      if (user.deletedAt !== null) return context.fail(request.op, 400, context.messages.updateDeleted);
      const changes: UserChanges = {};
      if (request.body.name !== undefined) changes.name = request.body.name;
      if (request.body.lastName !== undefined) changes.lastName = request.body.lastName;
      if (request.body.orgRole !== undefined) changes.orgRole = request.body.orgRole;
      const updated = context.store.updateUser(user.id, changes);
      const body: Schemas['UserUpdatedEnvelope'] = { success: true, data: context.store.orgUser(updated), message: context.messages.userUpdated };
      return success(200, body);
    },
  };

  const deleteOrganizationUser: FlashbackHandler = {
    kind: 'member',
    findTarget: findUser,
    selfRule: (request) => (target(request).id === request.caller.id ? context.messages.deleteSelf : null),
    run(request) {
      const user = target(request);
      if (user.deletedAt !== null) return context.fail(request.op, 400, context.messages.alreadyDeleted);
      context.store.softDeleteUser(user.id, context.isoNow());
      const body: Schemas['UserDeletedEnvelope'] = { success: true, message: context.messages.userDeleted };
      return success(200, body);
    },
  };

  const activateOrganizationUser: FlashbackHandler = {
    kind: 'member',
    findTarget: findUser,
    run(request) {
      const user = target(request);
      if (user.deletedAt === null) return context.fail(request.op, 400, context.messages.notDeleted);
      context.store.updateUser(user.id, { deletedAt: null });
      const body: Schemas['UserActivatedEnvelope'] = { success: true, message: context.messages.userActivated };
      return success(200, body);
    },
  };

  return {
    listOrganizationUsers,
    createOrganizationUser,
    getOrganizationUser,
    updateOrganizationUser,
    deleteOrganizationUser,
    activateOrganizationUser,
  };
}
