/**
 * What a state snapshot shares with what the mock answers, so that whatever the mock accepts it can
 * also save and load again (issue 12): the loaders check stored records against the specs' own
 * schemas (`snapshotValidator`), and a text the mock derives from its inputs (an email's subject) is
 * kept within the limit the control plane documents for it (openapi/mock-control.yaml).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { loadSpec, projectPath, resolvePointer, type JsonObject } from '../contract/index.js';

/** The control plane's spec: its `OutboxEmail` and `InvitationEmail` are the outbox records of the two APIs. */
const MOCK_CONTROL_SPEC = 'openapi/mock-control.yaml';
export const CONTROL_SPEC_ID = 'urn:org-contract:state:mock-control';

let controlDocument: JsonObject | undefined;

function controlSpec(): JsonObject {
  return (controlDocument ??= loadSpec(projectPath(MOCK_CONTROL_SPEC)).document);
}

/** A number the control plane's spec states, at `pointer` (`#/components/...`); a spec without it is a broken spec. */
function specNumber(pointer: string): number {
  const value = resolvePointer(controlSpec(), pointer);
  if (typeof value !== 'number') throw new Error(`${MOCK_CONTROL_SPEC} states no number at ${pointer}`);
  return value;
}

let capacity: number | undefined;

/**
 * How many emails an outbox keeps: the most recent, the oldest dropped first. The number
 * `GET /__mock/outbox` lists at most (`Outbox.emails.maxItems` of the control plane's spec), so the
 * listing shows them all.
 */
export function outboxCapacity(): number {
  return (capacity ??= specNumber('#/components/schemas/Outbox/properties/emails/maxItems'));
}

let subjectMax: number | undefined;

/** The longest subject an outbox email may have: `OutboxEmail.subject.maxLength` of the control plane's spec (and InvitationEmail's). */
export function outboxSubjectMax(): number {
  return (subjectMax ??= Math.min(
    specNumber('#/components/schemas/OutboxEmail/properties/subject/maxLength'),
    specNumber('#/components/schemas/InvitationEmail/properties/subject/maxLength'),
  ));
}

/**
 * A subject made of the caller's inputs (an email and an organization name of the longest kind the
 * API takes can add up past the documented limit): cut to the limit, ending with `…` when cut.
 */
export function fitSubject(subject: string): string {
  const max = outboxSubjectMax();
  return subject.length <= max ? subject : `${subject.slice(0, max - 1)}…`;
}

/** Adds `item` to a list kept at `capacity` items, the oldest dropped first; returns the items dropped. */
export function pushCapped<T>(list: T[], item: T, capacity: number): T[] {
  list.push(item);
  return list.length > capacity ? list.splice(0, list.length - capacity) : [];
}

/**
 * A validator of a snapshot schema that may refer (`$ref`) to the API's spec under `apiSpecId` and to
 * the control plane's under CONTROL_SPEC_ID, so a stored field is checked by the very schema the API
 * checks it with. Formats are not checked: the API's own validation did, and the patterns stand.
 */
export function snapshotValidator(schema: object, apiSpecId: string, apiSpec: JsonObject): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false, validateFormats: false });
  ajv.addSchema(apiSpec, apiSpecId);
  ajv.addSchema(controlSpec(), CONTROL_SPEC_ID);
  return ajv.compile(schema);
}
