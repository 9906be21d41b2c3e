/**
 * The Tours & Events Organizations API's profile: ten principals in two organizations and outside
 * any (principals.ts), each with a session and an API key; its check groups (checks/); and what the
 * run creates, removed at the end. Handed to the kernel's runner as a value.
 */
import type { ResolvedOptions } from '../../kernel/options.js';
import type { GroupRun, KernelRun, PrincipalIdentity, ProfileRun, ProfileSetup, SuiteProfile } from '../../kernel/profile.js';
import type { PrincipalReport } from '../../kernel/result.js';
import { CHECK_GROUPS } from './checks/index.js';
import { ToursContext } from './context.js';
import { Fixtures } from './fixtures.js';
import { EXECUTION_ORDER, GROUP_NAMES, GROUP_TITLES } from './groups.js';
import {
  ENV_HELP,
  readToursConfig,
  readToursEnvironment,
  resolveToursPrincipals,
  TOURS_PRINCIPALS,
  type ResolvedPrincipals,
  type ToursConfig,
} from './principals.js';

function open(options: ResolvedOptions): ProfileSetup {
  const given: ToursConfig[] = [];
  if (options.configFile) given.push(readToursConfig(options.configFile));
  given.push(readToursEnvironment(options.env));
  return { prepare: (kernel) => prepare(kernel, given) };
}

async function prepare(kernel: KernelRun, given: readonly ToursConfig[]): Promise<ProfileRun> {
  const principals = await resolveToursPrincipals(kernel.http, given);
  for (const p of principals.byName.values()) {
    kernel.secrets.add(p.password, `${p.spec.name}'s password`);
    kernel.secrets.add(p.apiKey, `${p.spec.name}'s API key`);
    kernel.secrets.add(p.sessionToken, `${p.spec.name}'s session`);
  }
  kernel.secrets.add(principals.extras.expiredApiKey, 'the expired API key');
  kernel.secrets.add(principals.extras.revokedApiKey, 'the revoked API key');
  kernel.secrets.add(principals.extras.invitation?.token, 'the pending invitation token');
  const fixtures = new Fixtures(kernel.options.runId);
  const ctx = new ToursContext(kernel, principals, fixtures);
  const groups: Record<string, GroupRun> = {};
  for (const name of GROUP_NAMES) {
    const group = CHECK_GROUPS[name];
    groups[name] = { run: group.run && (() => group.run!(ctx)), sweep: group.sweep && (() => group.sweep!(ctx)) };
  }
  return {
    principalSource: principals.source,
    principals: principalReports(principals),
    identities: principalIdentities(principals),
    notes: principals.notes,
    groups,
    cleanup: async (scope) => (fixtures.createdCount > 0 ? fixtures.cleanup(scope) : []),
  };
}

/** Who each principal is on the target: its user id (get-session or the mock's listing), its key, its session, its email. */
function principalIdentities(resolved: ResolvedPrincipals): PrincipalIdentity[] {
  return [...resolved.byName.values()].map((p) => ({
    name: p.spec.name,
    userId: p.userId,
    credentials: [
      ...(p.apiKey ? [{ label: 'API key', value: p.apiKey }] : []),
      ...(p.sessionToken ? [{ label: 'session', value: p.sessionToken }] : []),
      ...(p.email ? [{ label: 'e-mail', value: p.email.toLowerCase() }] : []),
    ],
  }));
}

function principalReports(resolved: ResolvedPrincipals): PrincipalReport[] {
  return TOURS_PRINCIPALS.map((spec) => {
    const p = resolved.byName.get(spec.name);
    if (!p) return { name: spec.name, available: false, source: null, role: null, userId: null, orgId: null, note: 'not given' };
    const credentials = [p.sessionToken ? 'session' : null, p.apiKey ? 'API key' : null].filter(Boolean).join(' and ');
    return {
      name: spec.name,
      available: credentials !== '',
      source: p.source,
      role: spec.role ?? (spec.superAdmin ? 'Super Admin' : 'none'),
      userId: p.userId,
      orgId: p.orgId,
      note: credentials === '' ? 'no credential' : `${credentials}${spec.suspended ? '; suspended' : ''}`,
    };
  });
}

export const toursProfile: SuiteProfile = {
  name: 'tours',
  title: 'Tours & Events Organizations API',
  specFile: 'openapi/tours-organizations.yaml',
  groups: GROUP_NAMES.map((name) => ({ name, title: GROUP_TITLES[name] })),
  executionOrder: EXECUTION_ORDER,
  principalHelp: ENV_HELP,
  open,
};
