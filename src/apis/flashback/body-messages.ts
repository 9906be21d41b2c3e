/**
 * How the Flashback API words the problems of a request body (docs/decisions/flashback.md, W1 and the
 * spec's 400 examples): `Missing required field: <name>`, `Invalid role combination` (R4), `Invalid
 * email address`, `Invalid field: <name> must be a <type>`, `Invalid field: <name> must be 1 to 100
 * characters`, `Invalid field: <name> must not be blank` (the `\S` pattern: O2's non-empty name), and
 * `Invalid JSON body` for a body that is not a JSON object.
 */
import type { BodyProblem } from '../../engine/api.js';
import type { BodyMessages, FieldProblem } from '../../engine/request-validation.js';
import { invalidField, invalidFieldBlank, invalidFieldLength, invalidFieldType, missingField, type Messages } from './messages.js';

/** The pattern of a string that must not be blank (only whitespace). */
const NOT_BLANK = '\\S';

function schemaProblem(MESSAGES: Messages, { field, keyword, params, limits, replacement }: FieldProblem): string {
  if (field === undefined) {
    const missing = params.missingProperty;
    return keyword === 'required' && typeof missing === 'string' ? missingField(missing) : MESSAGES.invalidJson;
  }
  if (field === 'orgRole') return MESSAGES.invalidRole; // R4: any value but the five, of any type
  if (keyword === 'type') return invalidFieldType(field, typeWords(params.type as string | string[]));
  if (replacement) return replacement;
  if (field === 'email' || (keyword === 'format' && params.format === 'email')) return MESSAGES.invalidEmail;
  if (keyword === 'pattern' && params.pattern === NOT_BLANK) return invalidFieldBlank(field);
  if (keyword === 'minLength' || keyword === 'maxLength' || keyword === 'pattern') return invalidFieldLength(field, limits?.min, limits?.max);
  return invalidField(field);
}

/** `boolean` → `boolean`; `['string', 'null']` → `string or null`. */
function typeWords(type: string | readonly string[]): string {
  return (Array.isArray(type) ? type : [type]).join(' or ');
}

/** The body messages of the Flashback API, its fixed ones read from its spec (messages.ts). */
export function flashbackBodyMessages(MESSAGES: Messages): BodyMessages {
  const unreadable: Record<BodyProblem, { status: 400 | 413 | 415; message: string }> = {
    'invalid-json': { status: 400, message: MESSAGES.invalidJson },
    'too-large': { status: 413, message: MESSAGES.bodyTooLarge },
    'unsupported-media-type': { status: 415, message: MESSAGES.unsupportedMediaType },
  };
  return {
    unreadable: (problem) => unreadable[problem],
    missing: MESSAGES.invalidJson,
    schemaProblem: (problem) => schemaProblem(MESSAGES, problem),
    // No Flashback operation takes a query parameter (its spec documents none).
    queryProblem: ({ name }) => invalidField(name),
  };
}
