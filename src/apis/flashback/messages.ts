/**
 * The fixed messages of the Organization API (docs/decisions/flashback.md, sections 1 to 6), in one place so
 * that handlers and tests name them instead of retyping them. Per-operation 403 messages are not
 * here: they come from each operation's `x-access` rule in the spec.
 */
export const MESSAGES = {
  authenticationRequired: 'Authentication required',
  organizationNotFound: 'Organization not found',
  userNotFound: 'User not found',
  internalError: 'Internal server error',
  invalidJson: 'Invalid JSON body',
  bodyTooLarge: 'Request body too large',
  unsupportedMediaType: 'Unsupported content type: send application/json',
  noValidFields: 'No valid fields to update',
  invalidRole: 'Invalid role combination',
  passwordPolicy: 'Password does not meet security requirements',
  invalidEmail: 'Invalid email address',
  ownRole: 'Cannot change your own role',
  deleteSelf: 'Cannot delete yourself',
  updateDeleted: 'Cannot update a deleted user',
  alreadyDeleted: 'User is already deleted',
  notDeleted: 'User is not deleted',
  emailInUse: 'Email already in use',
  organizationUpdated: 'Organization updated successfully',
  userCreatedInvited: 'User created successfully. Verification email sent.',
  userCreated: 'User created successfully.',
  userUpdated: 'User updated successfully',
  userDeleted: 'User deleted successfully',
  userActivated: 'User activated successfully',
  loginUserNotFound: 'User not found',
  loginInvalidPassword: 'Invalid password',
  loginInactive: 'User is inactive',
  invalidRefreshToken: 'Invalid or expired refresh token',
} as const;

export const missingField = (name: string): string => `Missing required field: ${name}`;
export const invalidFieldType = (name: string, type: string): string => `Invalid field: ${name} must be ${article(type)} ${type}`;
export const invalidFieldLength = (name: string, min: number | undefined, max: number | undefined): string =>
  min !== undefined && max !== undefined
    ? `Invalid field: ${name} must be ${min} to ${max} characters`
    : max !== undefined
      ? `Invalid field: ${name} must be at most ${max} characters`
      : `Invalid field: ${name} must be at least ${min ?? 1} characters`;
export const invalidFieldBlank = (name: string): string => `Invalid field: ${name} must not be blank`;
export const invalidField = (name: string): string => `Invalid field: ${name}`;

function article(type: string): string {
  return /^[aeiou]/i.test(type) ? 'an' : 'a';
}
