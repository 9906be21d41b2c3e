/**
 * (5) Business rules: the self rules (R7), granting a role (R5), managing a higher-ranked user
 * (R6), invalid role values (R4), duplicate e-mails (U3), the password policy, missing fields,
 * unknown ids, the partial organization update (O2) and `No valid fields to update`.
 *
 * Every rank case gets fresh disposable users of the roles it needs, created by the owner, so that
 * a target that wrongly lets one through spoils no other case. The self-delete cases run last of
 * the whole run: only a principal can be "yourself".
 */
import { resolvePointer, roleName, ROLES, type RoleValue } from '../../../../src/contract/index.js';
import type { RunContext } from '../context.js';
import { because, byRule, type Because, type Expected, type UserTarget } from '../expectations.js';
import type { DisposableUser } from '../fixtures.js';
import { answer } from '../fixtures.js';
import { componentMessage, exampleMessage, OP } from '../operations.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import { bodyField } from '../../../kernel/http/exchange.js';
import type { Actor } from '../principals/actors.js';
import type { PrincipalName } from '../principals/names.js';
import { expectEqual, principalTarget } from './targets.js';

type Json = Record<string, unknown>;
type Manager = 'owner' | 'administrator' | 'workspaces';

const { USER, BILLING, WORKSPACES, ADMINISTRATOR, OWNER } = ROLES;
const MANAGERS: readonly Manager[] = ['workspaces', 'administrator', 'owner'];

/** R5 on create and update: [caller, role granted]; the expected answer comes from mayGrant. */
const GRANTS: readonly (readonly [Manager, RoleValue])[] = [
  ['workspaces', WORKSPACES],
  ['workspaces', ADMINISTRATOR],
  ['workspaces', BILLING],
  ['administrator', ADMINISTRATOR],
  ['administrator', OWNER],
  ['administrator', WORKSPACES],
  ['owner', OWNER],
];

/** R6: [caller, target role]; update, delete and activate each. */
const RANKS: readonly (readonly [Manager, RoleValue])[] = [
  ['workspaces', WORKSPACES],
  ['workspaces', ADMINISTRATOR],
  ['administrator', ADMINISTRATOR],
  ['administrator', OWNER],
  ['owner', OWNER],
];

/** R4: values that are not one of the five roles. */
const INVALID_ROLES: readonly unknown[] = [3, 253, -1, '2', 2.5, null];

/** U3: each breaks one part of the policy (8 to 128 characters, a lower-case, an upper-case letter, a digit). */
const WEAK_PASSWORDS: readonly (readonly [string, string])[] = [
  ['Short1a', '7 characters'],
  ['alllowercase1', 'no upper-case letter'],
  ['ALLUPPERCASE1', 'no lower-case letter'],
  ['NoDigitsInHere', 'no digit'],
  [`Aa1${'x'.repeat(126)}`, '129 characters'],
];

export async function runBusiness(ctx: RunContext): Promise<void> {
  const run = (name: string, mutates: boolean, body: (scope: CaseScope) => Promise<void>): Promise<unknown> =>
    ctx.recorder.run('business', name, { mutates }, body);
  const rule = (id: string, says: string): Because => because('business', id, says);
  const fixed = (status: number, message: string | null, id: string, says: string): Expected => byRule('business', id, says, status, message);
  const owner = (scope: CaseScope): Actor => ctx.need(scope, 'owner');
  const disposable = (scope: CaseScope, role: RoleValue, label: string, deleted = false): Promise<DisposableUser> =>
    ctx.fixtures.user(ctx, scope, { role, label, deleted });

  await run('create defaults to USER and sends the invite (U3)', true, async (scope) => {
    const body = ctx.fixtures.createBody('defaults');
    delete body.sendInvite;
    const { exchange, ok } = await ctx.callExpecting(scope, owner(scope), OP.createUser, { json: body }, { grant: USER });
    if (!ok) return;
    const data = (bodyField(exchange, 'data') ?? {}) as Json;
    expectEqual(scope, exchange, 'orgRole', data.orgRole, USER, rule('U3', 'orgRole defaults to 0 (USER)'));
    // The wording is the only sign over HTTP that the invitation went out; --lenient-messages gives that up.
    ctx.expectMessage(
      scope,
      exchange,
      exampleMessage(ctx.spec, OP.createUser, 201, 'created'),
      rule('U3', 'sendInvite defaults to true: the 201 message says the verification e-mail was sent'),
    );
  });

  for (const [name, grant] of GRANTS) {
    await run(`${roleName(roleOf(name))} creates a ${roleName(grant)} user (R5)`, true, async (scope) => {
      const actor = ctx.need(scope, name);
      await ctx.callExpecting(scope, actor, OP.createUser, { json: ctx.fixtures.createBody(`grant-${name}`, grant) }, { grant });
    });
    await run(`${roleName(roleOf(name))} sets a USER to ${roleName(grant)} (R5)`, true, async (scope) => {
      const actor = ctx.need(scope, name);
      const user = await disposable(scope, USER, `regrant-${name}`);
      await ctx.callExpecting(scope, actor, OP.updateUser, { params: { userId: user.id }, json: { orgRole: grant } }, { user, grant });
    });
  }

  for (const [name, targetRole] of RANKS) {
    const title = `${roleName(roleOf(name))} manages a ${roleName(targetRole)} user (R6)`;
    await run(title, true, async (scope) => {
      const actor = ctx.need(scope, name);
      const active = await disposable(scope, targetRole, `rank-${name}`);
      const deleted = await disposable(scope, targetRole, `rank-${name}-deleted`, true);
      await ctx.callExpecting(scope, actor, OP.updateUser, { params: { userId: active.id }, json: { lastName: 'Rank' } }, { user: active });
      await ctx.callExpecting(scope, actor, OP.deleteUser, { params: { userId: active.id } }, { user: active });
      await ctx.callExpecting(scope, actor, OP.activateUser, { params: { userId: deleted.id } }, { user: deleted });
    });
  }

  for (const name of MANAGERS) {
    await run(`${name} cannot change their own role, even to the same value (R7)`, true, async (scope) => {
      const actor = ctx.need(scope, name);
      const self = principalTarget(ctx, name) ?? scope.skip(`the user id of ${name} is unknown`);
      await ctx.callExpecting(scope, actor, OP.updateUser, { params: { userId: self.id }, json: { orgRole: self.role } }, { user: self, grant: self.role });
    });
    await run(`${name} may edit their own name (R7)`, true, async (scope) => {
      const actor = ctx.need(scope, name);
      const self = principalTarget(ctx, name) ?? scope.skip(`the user id of ${name} is unknown`);
      const read = await ctx.call(scope, actor, OP.getUser, { params: { userId: self.id } });
      const current = bodyField(read, 'name');
      if (typeof current !== 'string') scope.skip(`could not read the current name: ${answer(read)}`);
      const { exchange, ok } = await ctx.callExpecting(scope, actor, OP.updateUser, { params: { userId: self.id }, json: { name: current } }, { user: self });
      if (ok)
        expectEqual(
          scope,
          exchange,
          'data.name',
          (bodyField(exchange, 'data') as Json | undefined)?.name,
          current,
          rule('R7', 'editing your own name is allowed'),
        );
    });
  }

  await run('a role value that is not one of the five is a 400 (R4)', true, async (scope) => {
    const actor = owner(scope);
    const create = fixed(400, exampleMessage(ctx.spec, OP.createUser, 400, 'invalidRole'), 'R4', 'only 0, 1, 2, 254 and 255 are roles');
    const update = { ...create, message: exampleMessage(ctx.spec, OP.updateUser, 400, 'invalidRole') };
    const user = await disposable(scope, USER, 'invalid-role');
    for (const value of INVALID_ROLES) {
      ctx.expect(scope, await ctx.call(scope, actor, OP.createUser, { json: { ...ctx.fixtures.createBody('invalid-role'), orgRole: value } }), create);
      ctx.expect(scope, await ctx.call(scope, actor, OP.updateUser, { params: { userId: user.id }, json: { orgRole: value } }), update);
    }
    const workspaces = ctx.actor('workspaces');
    if (workspaces) {
      const before = { ...create, reason: 'section 3: R4 (a malformed body, 400) comes before R5 (403)' };
      ctx.expect(scope, await ctx.call(scope, workspaces, OP.createUser, { json: { ...ctx.fixtures.createBody('invalid-role'), orgRole: 3 } }), before);
    }
    const missing = { ...update, reason: 'the order of the update rules: an invalid orgRole (400) comes before an unknown user (404)' };
    ctx.expect(scope, await ctx.call(scope, actor, OP.updateUser, { params: { userId: `conf-${ctx.runId}-missing` }, json: { orgRole: 3 } }), missing);
  });

  await run('an e-mail already in use, in any letter case, is a 409 (U3)', true, async (scope) => {
    const actor = owner(scope);
    const conflict = fixed(
      409,
      exampleMessage(ctx.spec, OP.createUser, 409, 'duplicate'),
      'U3',
      'e-mails are unique on the platform, in any letter case, soft-deleted users included',
    );
    const first = await disposable(scope, USER, 'duplicate');
    const again = (email: string, why: string): Promise<unknown> =>
      ctx
        .call(scope, actor, OP.createUser, { json: { ...ctx.fixtures.createBody('duplicate'), email } })
        .then((e) => ctx.expect(scope, e, { ...conflict, reason: `${conflict.reason}: ${why}` }));
    await again(first.email.toUpperCase(), 'the same e-mail in upper case');
    const outsider = ctx.principals.byName.get('outsider')?.email;
    if (outsider) await again(capitalize(outsider), "the outsider's e-mail, in another organization");
    const gone = await disposable(scope, USER, 'duplicate-deleted', true);
    await again(gone.email, 'the e-mail of a soft-deleted user');
  });

  await run('the password policy (U3)', true, async (scope) => {
    const actor = owner(scope);
    const message = exampleMessage(ctx.spec, OP.createUser, 400, 'password');
    for (const [password, what] of WEAK_PASSWORDS) {
      const exchange = await ctx.call(scope, actor, OP.createUser, { json: { ...ctx.fixtures.createBody('weak-password'), password } });
      ctx.expect(scope, exchange, fixed(400, message, 'U3', `a password with ${what} does not meet the policy`));
    }
  });

  await run('each required field of a new user (U3)', true, async (scope) => {
    const actor = owner(scope);
    const example = exampleMessage(ctx.spec, OP.createUser, 400, 'missingField');
    const named = example.slice(example.lastIndexOf(' ') + 1);
    for (const field of requiredFields(ctx)) {
      const body = ctx.fixtures.createBody('missing-field');
      delete body[field];
      const exchange = await ctx.call(scope, actor, OP.createUser, { json: body });
      ctx.expect(scope, exchange, fixed(400, example.replace(named, field), 'U3', `${field} is required; the message names it as the spec's example does`));
    }
  });

  await run('e-mail and name formats (U3, U5)', true, async (scope) => {
    const actor = owner(scope);
    const says = (what: string): Expected => fixed(400, null, 'U3', `${what}; a 400 whose message the spec leaves open`);
    const creates: readonly (readonly [Json, string])[] = [
      [{ email: 'not-an-email' }, 'the e-mail must be a valid address'],
      [{ email: `${'a'.repeat(243)}@example.test` }, 'the e-mail has at most 254 characters'],
      [{ firstName: '   ' }, 'a name has 1 to 100 characters after trimming'],
      [{ lastName: 'x'.repeat(101) }, 'a name has at most 100 characters'],
      [{ firstName: 42 }, 'a name is a string'],
    ];
    for (const [patch, what] of creates) {
      ctx.expect(scope, await ctx.call(scope, actor, OP.createUser, { json: { ...ctx.fixtures.createBody('format'), ...patch } }), says(what));
    }
    const user = await disposable(scope, USER, 'format');
    for (const [patch, what] of [
      [{ name: '  ' }, 'a name has 1 to 100 characters after trimming (U5)'],
      [{ lastName: 'x'.repeat(101) }, 'a name has at most 100 characters (U5)'],
    ] as const) {
      ctx.expect(scope, await ctx.call(scope, actor, OP.updateUser, { params: { userId: user.id }, json: patch }), says(what));
    }
  });

  await run('the organization update is partial and ignores read-only fields (O2)', true, (scope) => partialOrganizationUpdate(ctx, scope));

  await run('a body with no writable field is a 400 (O2, U5)', true, async (scope) => {
    const actor = owner(scope);
    const home = ctx.homeOrgId ?? scope.skip("the members' organization id is unknown");
    const org = fixed(400, exampleMessage(ctx.spec, OP.updateOrganization, 400, 'noValidFields'), 'O2', 'an update with no writable field changes nothing');
    // Read-only fields with their current values: a target that wrongly applies them changes nothing.
    const read = await ctx.call(scope, actor, OP.getOrganization, { params: { orgId: home } });
    const current = (bodyField(read, 'data') ?? scope.skip(`could not read the organization: ${answer(read)}`)) as Json;
    for (const json of [{}, { domain: current.domain, reposDisabled: current.reposDisabled, conformance: true }]) {
      ctx.expect(scope, await ctx.call(scope, actor, OP.updateOrganization, { params: { orgId: home }, json }), org);
    }
    const wrongType = fixed(
      400,
      exampleMessage(ctx.spec, OP.updateOrganization, 400, 'wrongType'),
      'O2',
      'a writable field of the wrong type is a 400 naming the field',
    );
    ctx.expect(scope, await ctx.call(scope, actor, OP.updateOrganization, { params: { orgId: home }, json: { mfaEnforced: 'yes' } }), wrongType);
    const user = await disposable(scope, USER, 'no-valid-fields');
    const none = fixed(400, exampleMessage(ctx.spec, OP.updateUser, 400, 'noValidFields'), 'U5', 'an update with no writable field changes nothing');
    for (const json of [{}, { email: ctx.fixtures.email('ignored'), validated: true }]) {
      ctx.expect(scope, await ctx.call(scope, actor, OP.updateUser, { params: { userId: user.id }, json }), none);
    }
  });

  await run('unknown ids are 404s (section 3, E3)', false, async (scope) => {
    const actor = owner(scope);
    const missing = `conf-${ctx.runId}-missing`;
    const userGone = fixed(404, componentMessage(ctx.spec, 'MessageUserNotFound'), 'section 3', 'an id that names no user is a 404');
    const orgGone = fixed(404, componentMessage(ctx.spec, 'OrganizationNotFound'), 'section 3', 'an id that names no organization is a 404');
    ctx.expect(scope, await ctx.call(scope, actor, OP.getUser, { params: { userId: missing } }), userGone);
    ctx.expect(scope, await ctx.call(scope, actor, OP.deleteUser, { params: { userId: missing } }), userGone);
    ctx.expect(scope, await ctx.call(scope, actor, OP.activateUser, { params: { userId: missing } }), userGone);
    ctx.expect(scope, await ctx.call(scope, actor, OP.updateUser, { params: { userId: missing }, json: { name: 'Nobody' } }), {
      ...userGone,
      message: exampleMessage(ctx.spec, OP.updateUser, 404, 'notFound'),
    });
    ctx.expect(scope, await ctx.call(scope, actor, OP.getOrganization, { params: { orgId: missing } }), orgGone);
    ctx.expect(scope, await ctx.call(scope, actor, OP.updateOrganization, { params: { orgId: missing }, json: { name: 'Nobody' } }), orgGone);
  });

  for (const name of MANAGERS) {
    await run(`${name} cannot delete themselves (R7)`, true, (scope) => selfDelete(ctx, scope, name));
  }
}

function roleOf(name: Manager): RoleValue {
  return ROLES[name === 'owner' ? 'OWNER' : name === 'administrator' ? 'ADMINISTRATOR' : 'WORKSPACES'];
}

function capitalize(email: string): string {
  return email.charAt(0).toUpperCase() + email.slice(1);
}

/** The required fields of the create body, from the spec's schema. */
function requiredFields(ctx: RunContext): string[] {
  const pointer = ctx.op(OP.createUser).requestBody?.schemaPointer;
  let schema = pointer ? (resolvePointer(ctx.spec.document, pointer) as Json) : undefined;
  while (typeof schema?.$ref === 'string') schema = resolvePointer(ctx.spec.document, schema.$ref) as Json;
  return Array.isArray(schema?.required) ? (schema.required as string[]) : [];
}

/** O2: change one field, write read-only fields, clear one with null; everything else stays; then put it back. */
async function partialOrganizationUpdate(ctx: RunContext, scope: CaseScope): Promise<void> {
  const actor = ctx.needAny(scope, ['owner', 'administrator']);
  const home = ctx.homeOrgId ?? scope.skip("the members' organization id is unknown");
  const read = await ctx.call(scope, actor, OP.getOrganization, { params: { orgId: home } });
  const before = bodyField(read, 'data') as Json | undefined;
  if (!before || typeof before !== 'object') scope.skip(`could not read the organization: ${answer(read)}`);
  const why = because('business', 'O2', 'a partial update changes the writable fields it carries and nothing else');
  const put = async (json: Json, expected: Json, what: string): Promise<void> => {
    const { exchange, ok } = await ctx.callExpecting(scope, actor, OP.updateOrganization, { params: { orgId: home }, json }, { pathOrgId: home });
    if (ok) expectEqual(scope, exchange, `data after ${what}`, bodyField(exchange, 'data'), expected, why);
  };
  const city = `Conformance ${ctx.runId}`;
  const changed = { ...before, city };
  try {
    await put({ city }, changed, 'changing city');
    const again = await ctx.call(scope, actor, OP.getOrganization, { params: { orgId: home } });
    expectEqual(scope, again, 'data', bodyField(again, 'data'), changed, why);
    // Not `id`: a target that applied it would move the organization away from its path.
    const ignored = {
      city,
      domain: `conf-${ctx.runId}.invalid`,
      reposDisabled: !before.reposDisabled,
      deletedAt: '2020-01-01T00:00:00.000Z',
      conformance: true,
    };
    await put(ignored, changed, 'writing domain, reposDisabled, deletedAt and an unknown field');
    await put({ address2: null }, { ...changed, address2: null }, 'clearing address2 with null');
  } finally {
    // Everything the case wrote, as it was; a conformant target ignores the read-only fields here too.
    const restore = { city: before.city, address2: before.address2, domain: before.domain, reposDisabled: before.reposDisabled, deletedAt: before.deletedAt };
    await ctx.call(scope, actor, OP.updateOrganization, { params: { orgId: home }, json: restore });
  }
}

/**
 * R7: deleting yourself is a 400. Aimed at a principal because nothing else can be "yourself"; if
 * the target wrongly deletes it, the owner activates it again (an OWNER cannot be brought back).
 */
async function selfDelete(ctx: RunContext, scope: CaseScope, name: PrincipalName): Promise<void> {
  const actor = ctx.need(scope, name);
  const self: UserTarget = principalTarget(ctx, name) ?? scope.skip(`the user id of ${name} is unknown`);
  const { exchange } = await ctx.callExpecting(scope, actor, OP.deleteUser, { params: { userId: self.id } }, { user: self });
  if (exchange.response?.status !== 200) return;
  const owner = ctx.actor('owner');
  if (owner && name !== 'owner') await ctx.call(scope, owner, OP.activateUser, { params: { userId: self.id } });
}
