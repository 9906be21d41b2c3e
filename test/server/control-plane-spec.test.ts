/** The control plane's route tables (src/server/control-plane.ts, and its pages in src/server/dashboard.ts) are exactly openapi/mock-control.yaml's operations. */
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/contract/index.js';
import { CONTROL_OPERATIONS, loadControlSpec } from '../../src/server/control-plane.js';
import { pageOperations } from '../../src/server/dashboard.js';

describe('CONTROL_OPERATIONS and the pages', () => {
  it('list every operation of openapi/mock-control.yaml, and no other, with its method, path and body', () => {
    const documented = loadControlSpec().operations.map((op) => ({
      operationId: op.operationId,
      method: op.method,
      path: op.path,
      takesBody: op.requestBody !== null,
    }));
    const pages = pageOperations({ spec: loadSpec(), url: () => 'http://127.0.0.1:4010' }).map(({ operationId, method, path }) => ({
      operationId,
      method,
      path,
      takesBody: false,
    }));
    const served = [...CONTROL_OPERATIONS.map(({ operationId, method, path, takesBody }) => ({ operationId, method, path, takesBody })), ...pages];
    const byId = (a: { operationId: string }, b: { operationId: string }): number => a.operationId.localeCompare(b.operationId);
    expect(served.sort(byId)).toEqual(documented.sort(byId));
  });
});
