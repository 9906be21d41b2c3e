/**
 * org-example-valid: every example validates against its schema.
 *
 * Reuses the machinery of spectral:oas's `oas3-valid-media-example` and `oas3-valid-schema-example`
 * (the `oasExample` function, which picks the JSON Schema dialect from the document's format, 2020-12
 * for OpenAPI 3.1) under the house rule's name, at error severity. Given the union of both rules'
 * targets:
 *  - a media type, parameter or header object with `schema` and `example`/`examples` (media mode);
 *  - a schema object with `example` or `default` (schema mode); in addition, each item of a 3.1 schema's
 *    `examples` array (a JSON Schema keyword neither oas rule checks) is validated in the same way.
 */
import { oas } from '@stoplight/spectral-rulesets';

const media = oas.rules['oas3-valid-media-example'].then;
const schema = oas.rules['oas3-valid-schema-example'].then;

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

export default function exampleValid(target, _options, context) {
  if (!isObject(target)) return [];
  const isMedia = isObject(target.schema) && (target.example !== undefined || isObject(target.examples));
  if (isMedia) return media.function(target, media.functionOptions, context) ?? [];

  const results = [];
  if (target.example !== undefined || target.default !== undefined) {
    results.push(...(schema.function(target, schema.functionOptions, context) ?? []));
  }
  if (Array.isArray(target.examples)) {
    const { examples, default: _default, ...bare } = target;
    examples.forEach((value, i) => {
      const probe = { ...bare, example: value };
      const found = schema.function(probe, schema.functionOptions, context) ?? [];
      for (const r of found) {
        // oasExample reports at <schema>/example; point at <schema>/examples/<i> instead.
        const path = [...context.path, 'examples', i, ...r.path.slice(context.path.length + 1)];
        results.push({ ...r, path });
      }
    });
  }
  return results;
}
