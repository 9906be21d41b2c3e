/**
 * org-401-response, org-403-response, org-500-response: the operation documents a response status.
 * Given an operation object (resolved). Options:
 *   status: the response key that must be present ('401', '403', '500');
 *   when:   'always' | 'authenticated' (x-access.authenticated is true) |
 *           'gated' (authenticated, and minRole above USER or a tenancy check: organization or targetUser).
 */

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function applies(operation, when) {
  if (when === 'always') return true;
  const access = isObject(operation['x-access']) ? operation['x-access'] : {};
  if (access.authenticated !== true) return false;
  if (when === 'authenticated') return true;
  // when === 'gated'
  return (
    (typeof access.minRole === 'string' && access.minRole !== 'USER') ||
    access.organization === 'caller' ||
    access.organization === 'path' ||
    access.targetUser === true
  );
}

const WHY = {
  always: 'every operation',
  authenticated: 'an operation with `x-access.authenticated: true`',
  gated: 'an operation gated by role or tenancy (`x-access` minRole above USER, organization or targetUser)',
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
