/**
 * Checks a state snapshot for `importState` before anything is replaced: the full shape here,
 * uniqueness and references when the store indexes it (store.ts). Either way a malformed snapshot
 * is a StateImportError whose message names the first problem and where it is.
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import { describeSchemaErrors, loadSpec, ROLE_VALUES } from '../../contract/index.js';
import { CONTROL_SPEC_ID, snapshotValidator } from '../../engine/state-limits.js';
import { StateImportError } from '../../engine/api.js';
import { isPasswordHash } from '../../engine/passwords.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type StateSnapshot } from './records.js';

const TIMESTAMP = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' } as const;
const ID = { type: 'string', minLength: 1, maxLength: 128 } as const;
const SPEC_ID = 'urn:org-contract:state:organization';
/** A schema of openapi/organization.yaml: a stored field is checked by the schema the API checks it with. */
const api = (pointer: string) => ({ $ref: `${SPEC_ID}#/components/schemas/${pointer}` });

/**
 * The loader's limits are the API's: organizations are stored as the API shows them (`Organization`),
 * users' fields as `OrgUser` has them, outbox emails as the control plane lists them (`OutboxEmail`
 * of openapi/mock-control.yaml). Only what no API schema describes (the password hash, the token
 * epoch, refresh-token records) is described here.
 */
const SNAPSHOT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'version', 'organizations', 'users', 'refreshTokens', 'outbox'],
  properties: {
    format: { const: SNAPSHOT_FORMAT },
    version: { const: SNAPSHOT_VERSION },
    organizations: { type: 'array', items: api('Organization') },
    users: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'email', 'name', 'lastName', 'orgId', 'orgRole', 'validated', 'deletedAt', 'passwordHash', 'tokenEpoch'],
        properties: {
          id: api('OrgUser/properties/id'),
          email: { allOf: [api('OrgUser/properties/email'), { pattern: '^[^@\\s]+@[^@\\s]+$' }] },
          name: api('OrgUser/properties/name'),
          lastName: api('OrgUser/properties/lastName'),
          orgId: api('OrgUser/properties/orgId'),
          orgRole: { anyOf: [{ enum: [...ROLE_VALUES] }, { type: 'null' }] },
          validated: { type: 'boolean' },
          deletedAt: api('OrgUser/properties/deletedAt'),
          passwordHash: { type: 'string' },
          // Any safe integer: a deletion past the largest starts again at 0 (store.ts, nextTokenEpoch).
          tokenEpoch: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
        },
      },
    },
    refreshTokens: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'userId', 'issuedAt', 'expiresAt', 'revoked'],
        properties: { id: ID, userId: ID, issuedAt: TIMESTAMP, expiresAt: TIMESTAMP, revoked: { type: 'boolean' } },
      },
    },
    outbox: { type: 'array', items: { $ref: `${CONTROL_SPEC_ID}#/components/schemas/OutboxEmail` } },
  },
} as const;

// Compiled on the first import, not at module load: a server that never imports a state pays nothing.
let validateShape: ValidateFunction | undefined;

/** The snapshot, typed, or a StateImportError naming the first problem. Does not copy: the store does. */
export function parseSnapshot(raw: unknown): StateSnapshot {
  validateShape ??= snapshotValidator(SNAPSHOT_SCHEMA, SPEC_ID, loadSpec().document);
  if (!validateShape(raw)) {
    throw new StateImportError(
      `Malformed state snapshot: ${describeSchemaErrors(validateShape.errors)}. ` +
        'Import a document made by exportState (GET /__mock/state), with format ' +
        `"${SNAPSHOT_FORMAT}" and version ${SNAPSHOT_VERSION}.`,
    );
  }
  const snapshot = raw as StateSnapshot;
  for (const [i, user] of snapshot.users.entries()) {
    if (!isPasswordHash(user.passwordHash)) throw new StateImportError(`Malformed state snapshot: /users/${i}/passwordHash is not a hash made by the mock`);
  }
  return snapshot;
}
