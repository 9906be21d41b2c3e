/** The control plane's route table (src/server/control-plane.ts) is exactly openapi/mock-control.yaml's operations. */
import { describe, expect, it } from 'vitest';
import { CONTROL_OPERATIONS, loadControlSpec } from '../../src/server/control-plane.js';

describe('CONTROL_OPERATIONS', () => {
  it('lists every operation of openapi/mock-control.yaml, and no other, with its method, path and body', () => {
    const documented = loadControlSpec().operations.map((op) => ({
      operationId: op.operationId,
      method: op.method,
      path: op.path,
      takesBody: op.requestBody !== null,
    }));
    const served = CONTROL_OPERATIONS.map(({ operationId, method, path, takesBody }) => ({ operationId, method, path, takesBody }));
    const byId = (a: { operationId: string }, b: { operationId: string }): number => a.operationId.localeCompare(b.operationId);
    expect(served.sort(byId)).toEqual(documented.sort(byId));
  });
});
