/**
 * Checks a state snapshot for `importState` before anything is replaced: the full shape here,
 * uniqueness and references when the store indexes it (store.ts). Either way a malformed snapshot
 * is a StateImportError whose message names the first problem and where it is.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { describeSchemaErrors, ROLE_VALUES } from '../../contract/index.js';
import { StateImportError } from '../../engine/api.js';
import { isPasswordHash } from '../../engine/passwords.js';
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION, type StateSnapshot } from './records.js';

const TIMESTAMP = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$' } as const;
const NULLABLE_TIMESTAMP = { anyOf: [TIMESTAMP, { type: 'null' }] } as const;
const ID = { type: 'string', minLength: 1, maxLength: 128 } as const;
const NULLABLE_TEXT = { type: ['string', 'null'], maxLength: 255 } as const;

const SNAPSHOT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['format', 'version', 'organizations', 'users', 'refreshTokens', 'outbox'],
  properties: {
    format: { const: SNAPSHOT_FORMAT },
    version: { const: SNAPSHOT_VERSION },
    organizations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: [
          'id',
          'name',
          'domain',
          'address1',
          'address2',
          'city',
          'zipcode',
          'phone',
          'state',
          'country',
          'deletedAt',
          'reposDisabled',
          'website',
          'is_business',
          'mfaEnforced',
        ],
        properties: {
          id: ID,
          name: { type: 'string', minLength: 1, maxLength: 255 },
          domain: { type: 'string', maxLength: 255 },
          address1: NULLABLE_TEXT,
          address2: NULLABLE_TEXT,
          city: NULLABLE_TEXT,
          zipcode: NULLABLE_TEXT,
          phone: NULLABLE_TEXT,
          state: NULLABLE_TEXT,
          country: NULLABLE_TEXT,
          deletedAt: NULLABLE_TIMESTAMP,
          reposDisabled: { type: 'boolean' },
          website: NULLABLE_TEXT,
          is_business: { type: 'boolean' },
          mfaEnforced: { type: 'boolean' },
        },
      },
    },
    users: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'email', 'name', 'lastName', 'orgId', 'orgRole', 'validated', 'deletedAt', 'passwordHash', 'tokenEpoch'],
        properties: {
          id: ID,
          email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$', maxLength: 254 },
          name: { type: 'string', minLength: 1, maxLength: 100 },
          lastName: { type: 'string', minLength: 1, maxLength: 100 },
          orgId: { anyOf: [ID, { type: 'null' }] },
          orgRole: { anyOf: [{ enum: [...ROLE_VALUES] }, { type: 'null' }] },
          validated: { type: 'boolean' },
          deletedAt: NULLABLE_TIMESTAMP,
          passwordHash: { type: 'string' },
          // A safe integer: U6 ends a user's tokens with epoch + 1, which must be a new value.
          tokenEpoch: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER - 1 },
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
    outbox: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'kind', 'to', 'userId', 'subject', 'sentAt'],
        properties: {
          id: ID,
          kind: { enum: ['verification', 'invite'] },
          to: { type: 'string', minLength: 1, maxLength: 254 },
          userId: ID,
          subject: { type: 'string', maxLength: 512 },
          sentAt: TIMESTAMP,
        },
      },
    },
  },
} as const;

// Compiled on the first import, not at module load: a server that never imports a state pays nothing.
let validateShape: ValidateFunction | undefined;

/** The snapshot, typed, or a StateImportError naming the first problem. Does not copy: the store does. */
export function parseSnapshot(raw: unknown): StateSnapshot {
  validateShape ??= new Ajv2020({ strict: false, allErrors: false }).compile(SNAPSHOT_SCHEMA);
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
