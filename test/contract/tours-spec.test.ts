/**
 * openapi/tours-organizations.yaml against the project's decisions page for the API
 * (docs/decisions/tours.md): every operation of its section 1 is in the spec, each documents every
 * status of section 4 that its access rule and request make possible, and every rule id is stated
 * in a description of the spec.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSpec, projectPath, type JsonObject, type OperationSpec } from '../../src/contract/index.js';

const decisions = readFileSync(projectPath('docs/decisions/tours.md'), 'utf8');
const spec = loadSpec(projectPath('openapi/tours-organizations.yaml'));

/** `METHOD /path` of every operation section 1's scope table names (`GET`/`PATCH /x` names two). */
function scopeOperations(): string[] {
  const section = decisions.slice(decisions.indexOf('## 1. Scope'), decisions.indexOf('## 2.'));
  const found: string[] = [];
  for (const match of section.matchAll(/((?:`[A-Z]+`\/)*)`([A-Z]+) (\/api\/[^`]+)`/g)) {
    const methods = [...(match[1] ?? '').matchAll(/`([A-Z]+)`/g)].map((m) => m[1] as string);
    for (const method of [...methods, match[2] as string]) found.push(`${method} ${match[3] as string}`);
  }
  return found;
}

/** Every rule id the page defines, from its headings (`### TA3. ...`). */
const ruleIds = [...decisions.matchAll(/^### (T[A-Z]\d+)\./gm)].map((m) => m[1] as string);

/** Every description in the spec, joined: the document's, the operations', the components'. */
function allDescriptions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => allDescriptions(item, out));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node as JsonObject)) {
      if ((key === 'description' || key === 'summary') && typeof value === 'string') out.push(value);
      else allDescriptions(value, out);
    }
  }
  return out;
}

/** The statuses of section 4 that an operation can answer, derived from its access rule and its request. */
function statusesDue(op: OperationSpec): number[] {
  const rule = op.access;
  const due = [500];
  if (rule.credentials.length > 0) due.push(429);
  if (rule.authenticated || rule.optional) due.push(401);
  const sessionOnly = rule.credentials.length > 0 && !rule.credentials.includes('apiKey');
  if (sessionOnly || rule.tenant || rule.gate?.kind !== undefined || rule.escalation.length > 0) due.push(403);
  if (op.requestBody) due.push(400, 413, 415);
  if (rule.target) due.push(404);
  return due.sort((a, b) => a - b);
}

describe('openapi/tours-organizations.yaml holds the decisions of docs/decisions/tours.md', () => {
  it('section 1 names the 28 operations of the API', () => {
    expect(scopeOperations()).toHaveLength(28);
  });

  it('has exactly the operations of section 1', () => {
    const inSpec = spec.operations.map((op) => `${op.method} ${op.path}`).sort();
    expect(inSpec).toEqual(scopeOperations().sort());
  });

  for (const op of spec.operations) {
    it(`${op.operationId} documents every status of section 4 it can answer`, () => {
      const documented = [...op.responses.keys()];
      for (const status of statusesDue(op)) expect(documented, `${op.operationId} ${status}`).toContain(status);
    });
  }

  it('the page defines the rule ids TA1 to TL1', () => {
    expect(ruleIds).toEqual(expect.arrayContaining(['TA1', 'TA6', 'TR1', 'TR8', 'TE1', 'TE4', 'TO1', 'TO2', 'TM1', 'TM3', 'TI1', 'TI4', 'TL1']));
    expect(ruleIds).toHaveLength(28);
  });

  it('states every rule id in a description of the spec', () => {
    const text = allDescriptions(spec.document).join('\n');
    const missing = ruleIds.filter((id) => !new RegExp(`\\b${id}\\b`).test(text));
    expect(missing).toEqual([]);
  });

  it('states the operation-specific rules on the operation they govern', () => {
    const where: Record<string, string[]> = {
      TA2: ['signInEmail', 'signOut', 'getSession'],
      TA6: ['createApiKey', 'listApiKeys', 'updateApiKey', 'deleteApiKey'],
      TR4: ['createRole'],
      TR5: ['createRole', 'updateRole', 'updateMember', 'createInvitation'],
      TR6: ['updateRole', 'deleteRole'],
      TR7: ['getMyPermissions'],
      TR8: ['listRoles'],
      TO1: ['updateCurrentOrganization'],
      TO2: ['listOrganizations', 'updateOrganizationById', 'deleteOrganizationById'],
      TM2: ['updateMember'],
      TM3: ['removeMember'],
      TI1: ['createInvitation'],
      TI2: ['resendInvitation', 'revokeInvitation'],
      TI3: ['getInvitationByToken'],
      TI4: ['acceptInvitation'],
    };
    for (const [id, operations] of Object.entries(where)) {
      for (const operationId of operations) {
        const op = ((spec.document.paths as JsonObject)[spec.byId.get(operationId)!.path] as JsonObject)[spec.byId.get(operationId)!.method.toLowerCase()];
        expect(allDescriptions(op).join('\n'), `${id} on ${operationId}`).toMatch(new RegExp(`\\b${id}\\b`));
      }
    }
  });
});
