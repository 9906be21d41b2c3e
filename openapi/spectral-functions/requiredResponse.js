/**
 * org-401-response, org-403-response, org-500-response: the operation documents a response status.
 * Given an operation object (resolved). Options:
 *   status: the response key that must be present ('401', '403', '500');
 *   when:   'always' | 'authenticated' (x-access.credentials names a kind and `optional` is not true) |
 *           'gated' (x-access has a `gate` or a `tenant`: a caller can be refused with a 403).
 */

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function applies(operation, when) {
  if (when === 'always') return true;
  const access = isObject(operation['x-access']) ? operation['x-access'] : {};
  const authenticated = Array.isArray(access.credentials) && access.credentials.length > 0 && access.optional !== true;
  if (when === 'authenticated') return authenticated;
  // when === 'gated'
  return isObject(access.gate) || isObject(access.tenant);
}

const WHY = {
  always: 'every operation',
  authenticated: 'an operation that requires a credential (`x-access.credentials`)',
  gated: 'an operation with a gate or a tenant (`x-access.gate`, `x-access.tenant`)',
};

export default function requiredResponse(operation, options, context) {
  const { status, when = 'always' } = options ?? {};
  if (!isObject(operation) || !applies(operation, when)) return [];
  const responses = isObject(operation.responses) ? operation.responses : {};
  if (status in responses) return [];
  return [
    {
      message: `${WHY[when] ?? 'this operation'} must document a ${status} response.`.replace(/^./, (c) => c.toUpperCase()),
      path: [...context.path, 'responses'],
    },
  ];
}
