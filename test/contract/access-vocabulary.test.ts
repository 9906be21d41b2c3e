/**
 * The access vocabulary (openapi/README.md, "The access vocabulary") is read by one reader for every
 * spec: each operation has exactly one rule, the lint gate, the mock and the suite see the same one,
 * and a malformed rule is refused naming the operation and the key at fault.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { collectAccess, loadSpec, projectPath, readSpec, ROLES, type JsonObject } from '../../src/contract/index.js';

const SPECS = readdirSync(projectPath('openapi')).filter((name) => name.endsWith('.yaml') && !name.startsWith('.'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

const documentOf = (name: string): JsonObject => parse(readFileSync(join(projectPath('openapi'), name), 'utf8')) as JsonObject;

/** Every operation of a parsed document, with where its `x-access` sits. */
function operationsOf(document: JsonObject): Array<{ operationId: string; op: JsonObject }> {
  return Object.values(document.paths as JsonObject).flatMap((item) =>
    METHODS.flatMap((method) => {
      const op = (item as JsonObject)[method] as JsonObject | undefined;
      return op ? [{ operationId: String(op.operationId), op }] : [];
    }),
  );
}

describe('the access vocabulary, read by one reader', () => {
  it('covers the API specs: Flashback, Tours & Events and the mock control plane', () => {
    expect(SPECS).toEqual(expect.arrayContaining(['organization.yaml', 'mock-control.yaml']));
  });

  for (const name of SPECS) {
    it(`${name}: every operation has exactly one access rule, with no problem, and loadSpec serves that same rule`, () => {
      const document = documentOf(name);
      const reading = collectAccess(document);
      expect(reading.problems).toEqual([]);
      const operations = operationsOf(document);
      expect(operations.length).toBeGreaterThan(0);
      expect([...reading.rules.keys()].sort()).toEqual(operations.map((o) => o.operationId).sort());
      const loaded = loadSpec(join(projectPath('openapi'), name));
      for (const op of loaded.operations) expect(op.access, op.operationId).toEqual(reading.rules.get(op.operationId));
      expect(loaded.accessModel).toEqual(reading.model);
    });
  }

  it('reads the Flashback ranked roles from the spec, in the order and with the values of RoleName and RoleValue', () => {
    const document = documentOf('organization.yaml');
    const schemas = (document.components as JsonObject).schemas as Record<string, { enum: unknown[] }>;
    expect(Object.keys(ROLES)).toEqual(schemas.RoleName!.enum);
    expect(Object.values(ROLES)).toEqual(schemas.RoleValue!.enum);
    const updateUser = loadSpec().byId.get('updateOrganizationUser')!.access;
    expect(updateUser.gate).toEqual({ kind: 'minRole', role: 'WORKSPACES', rank: ROLES.WORKSPACES });
    expect(updateUser.escalation.map((e) => [e.rule, e.check, e.field])).toEqual([
      ['R6', 'targetRank', null],
      ['R5', 'grantedRank', 'orgRole'],
    ]);
  });
});

/** A malformed rule or model, and the words the refusal must carry. */
const MALFORMED: ReadonlyArray<{ breaks: string; edit: (document: JsonObject) => void; names: string[] }> = [
  {
    breaks: 'an operation without x-access',
    edit: (d) => delete opOf(d, 'getOrganizationUser')['x-access'],
    names: ['getOrganizationUser', 'must have `x-access`'],
  },
  {
    breaks: 'an unknown key',
    edit: (d) => (accessOf(d, 'deleteOrganizationUser').maxRole = 'OWNER'),
    names: ['deleteOrganizationUser', 'maxRole'],
  },
  {
    breaks: 'a credential kind the model does not define',
    edit: (d) => (accessOf(d, 'listOrganizationUsers').credentials = ['apiKey']),
    names: ['listOrganizationUsers', 'credentials', 'apiKey'],
  },
  {
    breaks: 'a gate role that is not ranked',
    edit: (d) => (accessOf(d, 'createOrganizationUser').gate = { minRole: 'ADMIN' }),
    names: ['createOrganizationUser', 'gate.minRole'],
  },
  {
    breaks: 'a permission gate in an API without permissions',
    edit: (d) => (accessOf(d, 'createOrganizationUser').gate = { permission: 'users.create' }),
    names: ['createOrganizationUser', 'gate.permission', 'users.create'],
  },
  {
    breaks: 'a gate with two kinds',
    edit: (d) => (accessOf(d, 'createOrganizationUser').gate = { minRole: 'USER', roles: ['OWNER'] }),
    names: ['createOrganizationUser', 'gate', 'exactly one'],
  },
  {
    breaks: 'a target parameter the path does not have',
    edit: (d) => ((accessOf(d, 'getOrganizationUser').target as JsonObject).param = 'memberId'),
    names: ['getOrganizationUser', 'target.param', 'userId'],
  },
  {
    breaks: 'an escalation check of another role model',
    edit: (d) => ((accessOf(d, 'updateOrganizationUser').escalation as JsonObject[])[1]!.check = 'grantedRole'),
    names: ['updateOrganizationUser', 'escalation.1.check', 'grantedRole'],
  },
  {
    breaks: 'a foreign-tenant answer that is neither 403 nor 404',
    edit: (d) => ((accessOf(d, 'listOrganizationUsers').tenant as JsonObject).foreign = 401),
    names: ['listOrganizationUsers', 'tenant.foreign', '403 or 404'],
  },
  {
    breaks: 'credentials on an operation whose security is empty',
    edit: (d) => (accessOf(d, 'login').credentials = ['bearerJwt']),
    names: ['login', 'credentials', 'security'],
  },
  {
    breaks: 'a ranked model out of order',
    edit: (d) => ((((d['x-access-model'] as JsonObject).roles as JsonObject).ranked as JsonObject[])[1]!.value = 999),
    names: ['x-access-model', 'roles.ranked', 'lowest first'],
  },
];

function opOf(document: JsonObject, operationId: string): JsonObject {
  const found = operationsOf(document).find((o) => o.operationId === operationId);
  if (!found) throw new Error(`no ${operationId}`);
  return found.op;
}
const accessOf = (document: JsonObject, operationId: string): JsonObject => opOf(document, operationId)['x-access'] as JsonObject;

describe('a malformed access rule is refused, naming the operation and the key', () => {
  it('the unbroken Flashback spec is read', () => {
    expect(() => readSpec(documentOf('organization.yaml'), 'organization.yaml')).not.toThrow();
  });
  for (const { breaks, edit, names } of MALFORMED) {
    it(`refuses ${breaks}`, () => {
      const document = documentOf('organization.yaml');
      edit(document);
      expect(collectAccess(document).problems.length).toBeGreaterThan(0);
      let message = '';
      try {
        readSpec(document, 'organization.yaml');
      } catch (error) {
        message = (error as Error).message;
      }
      for (const name of names) expect(message).toContain(name);
    });
  }
});
