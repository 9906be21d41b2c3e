/**
 * The Flashback Organization API's profile: its principals (five members of one organization, one
 * per role, an outsider, an orgless user and two accounts that may not log in), its disposable users
 * and its seven check groups, handed to the kernel's runner as a value.
 */
import { roleName } from '../../../src/contract/index.js';
import type { ResolvedOptions } from '../../kernel/options.js';
import type { GroupRun, KernelRun, PrincipalIdentity, ProfileRun, ProfileSetup, SuiteProfile } from '../../kernel/profile.js';
import type { PrincipalReport } from '../../kernel/result.js';
import { CHECK_GROUPS, EXECUTION_ORDER } from './checks/index.js';
import { RunContext } from './context.js';
import { Fixtures } from './fixtures.js';
import { GROUP_NAMES, GROUP_TITLES } from './groups.js';
import { pseudoActors } from './principals/actors.js';
import { readConfigFile, readEnvironment, type CredentialMap } from './principals/credentials.js';
import { CREDENTIAL_NAMES } from './principals/names.js';
import { resolvePrincipals, type ResolvedPrincipals } from './principals/resolve.js';

const PRINCIPAL_HELP = `Principals also come from CONFORMANCE_<NAME>_TOKEN or CONFORMANCE_<NAME>_EMAIL and _PASSWORD
(NAME: ${CREDENTIAL_NAMES.map((n) => n.toUpperCase()).join(', ')}),
or, when neither is given, from the target's GET /__mock/principals.`;

function open(options: ResolvedOptions): ProfileSetup {
  const config = options.configFile ? readConfigFile(options.configFile) : null;
  const env = readEnvironment(options.env);
  return { prepare: (kernel) => prepare(kernel, config, env) };
}

async function prepare(kernel: KernelRun, config: CredentialMap | null, env: CredentialMap): Promise<ProfileRun> {
  const { spec, validators, options, http, recorder, secrets } = kernel;
  const principals = await resolvePrincipals({ http, spec, config, env, configFile: options.configFile });
  for (const p of principals.byName.values()) {
    secrets.add(p.password, `${p.name}'s password`);
    secrets.add(p.token, `${p.name}'s token`);
    secrets.add(p.refreshToken, `${p.name}'s refresh token`);
  }
  const pseudo = await pseudoActors(principals.byName.get('owner') ?? [...principals.byName.values()].find((p) => p.token));
  const fixtures = new Fixtures(options.runId, secrets);
  http.onExchange((exchange) => fixtures.observe(exchange));
  const ctx = new RunContext(spec, validators, options, http, recorder, principals, pseudo, secrets, fixtures);
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
    cleanup: async (scope) => (fixtures.createdCount > 0 ? fixtures.cleanup(ctx, scope) : []),
  };
}

function principalReports(resolved: ResolvedPrincipals): PrincipalReport[] {
  return CREDENTIAL_NAMES.map((name) => {
    const p = resolved.byName.get(name);
    if (!p) return { name, available: false, source: null, role: null, userId: null, orgId: null, note: 'not given' };
    const role = p.role === null ? 'none' : p.role === undefined ? 'unknown' : roleName(p.role);
    return { name, available: p.token !== null || p.password !== null, source: p.source, role, userId: p.userId, orgId: p.orgId, note: null };
  });
}

/** Who each principal is, for the kernel's refusal of principals that are one user: its id, token and e-mail. */
function principalIdentities(resolved: ResolvedPrincipals): PrincipalIdentity[] {
  return [...resolved.byName.values()].map((p) => ({
    name: p.name,
    userId: p.userId,
    credentials: [...(p.token ? [{ label: 'token', value: p.token }] : []), ...(p.email ? [{ label: 'e-mail', value: p.email.toLowerCase() }] : [])],
  }));
}

export const flashbackProfile: SuiteProfile = {
  name: 'flashback',
  title: 'Flashback Organization API',
  specFile: 'openapi/organization.yaml',
  groups: GROUP_NAMES.map((name) => ({ name, title: GROUP_TITLES[name] })),
  executionOrder: EXECUTION_ORDER,
  principalHelp: PRINCIPAL_HELP,
  open,
};
