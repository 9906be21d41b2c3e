/**
 * org-error-envelope: every 4xx/5xx response of an operation has an `application/json` body whose schema
 * is a `$ref` to one of the error schemas the spec itself lists at its root in `x-error-schemas` (names
 * under components.schemas): each API has its own error bodies, and the spec is where they are named.
 * Runs on the unresolved document (rule `resolved: false`, given `$`) so that the $ref target is visible;
 * a response that is a $ref to components.responses is followed (local refs only).
 */

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isErrorStatus = (code) => /^[45](\d\d|XX)$/i.test(code);
const decode = (s) => decodeURIComponent(s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** Resolves a local `#/a/b` reference to [value, path]; undefined when it does not resolve. */
function resolveLocal(root, ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  const path = ref.slice(2).split('/').map(decode);
  let node = root;
  for (const key of path) {
    if (!isObject(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return [node, path];
}

export default function errorEnvelope(root) {
  const problems = [];
  if (!isObject(root) || !isObject(root.paths)) return problems;
  const envelopes = root['x-error-schemas'];
  const schemas = isObject(root.components) && isObject(root.components.schemas) ? root.components.schemas : {};
  if (!Array.isArray(envelopes) || envelopes.length === 0 || !envelopes.every((name) => typeof name === 'string' && name in schemas)) {
    return [{ message: 'The document must list its error schemas in `x-error-schemas` (names under components.schemas).', path: ['x-error-schemas'] }];
  }
  const allowed = new Set(envelopes.map((name) => `#/components/schemas/${name}`));

  for (const [route, item] of Object.entries(root.paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const operation = item[method];
      if (!isObject(operation) || !isObject(operation.responses)) continue;
      for (const [status, raw] of Object.entries(operation.responses)) {
        if (!isErrorStatus(status)) continue;
        let response = raw;
        let path = ['paths', route, method, 'responses', status];
        const seen = new Set();
        while (isObject(response) && typeof response.$ref === 'string') {
          if (seen.has(response.$ref)) break;
          seen.add(response.$ref);
          const hit = resolveLocal(root, response.$ref);
          if (!hit) {
            problems.push({ message: `${method.toUpperCase()} ${route} ${status}: cannot follow ${response.$ref}.`, path });
            response = undefined;
            break;
          }
          [response, path] = hit;
        }
        if (!isObject(response)) continue;
        const where = `${method.toUpperCase()} ${route} ${status}`;
        const media = isObject(response.content) ? response.content['application/json'] : undefined;
        if (!isObject(media)) {
          problems.push({ message: `${where} must have an application/json body with an error envelope.`, path });
          continue;
        }
        const ref = isObject(media.schema) ? media.schema.$ref : undefined;
        if (!allowed.has(ref)) {
          problems.push({
            message: `${where}: the application/json schema must be a $ref to one of the error envelopes (${envelopes.join(', ')}), not ${ref ?? 'an inline schema'}.`,
            path: [...path, 'content', 'application/json', 'schema'],
          });
        }
      }
    }
  }
  return problems;
}
