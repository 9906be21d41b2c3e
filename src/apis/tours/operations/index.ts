/** The business part of each of the 28 operations of openapi/tours-organizations.yaml, by operationId. */
import type { Operation } from './context.js';
import { createApiKey, deleteApiKey, getApiKey, listApiKeys, updateApiKey } from './api-keys.js';
import { acceptInvitation, getInvitationByToken } from './invitation-acceptance.js';
import { createInvitation, listInvitations, resendInvitation, revokeInvitation } from './invitations.js';
import { listMembers, removeMember, updateMember } from './members.js';
import { getCurrentOrganization, getMyPermissions, updateCurrentOrganization } from './organization.js';
import { deleteOrganizationById, getOrganizationById, listOrganizations, updateOrganizationById } from './platform.js';
import { createRole, deleteRole, listRoles, updateRole } from './roles.js';
import { getSession, signInEmail, signOut } from './session.js';

export const OPERATIONS: Readonly<Record<string, Operation>> = Object.freeze({
  getCurrentOrganization,
  updateCurrentOrganization,
  getMyPermissions,
  listOrganizations,
  getOrganizationById,
  updateOrganizationById,
  deleteOrganizationById,
  listMembers,
  updateMember,
  removeMember,
  listRoles,
  createRole,
  updateRole,
  deleteRole,
  listInvitations,
  createInvitation,
  resendInvitation,
  revokeInvitation,
  getInvitationByToken,
  acceptInvitation,
  listApiKeys,
  createApiKey,
  getApiKey,
  updateApiKey,
  deleteApiKey,
  signInEmail,
  signOut,
  getSession,
});

export * from './context.js';
