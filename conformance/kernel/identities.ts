/**
 * A run whose principals are the same user (a mis-pasted config: two names, one token) would go on
 * and its role and tenancy verdicts would mean nothing. The profile says who each principal is
 * (`ProfileRun.identities`); the kernel refuses such a run before any check, with one line naming
 * the principals that collide.
 */
import { SetupError } from './errors.js';
import type { PrincipalIdentity } from './profile.js';

/** Throws a SetupError naming every set of principals that are one user; `source` says where they were given. */
export function refuseSharedIdentities(identities: readonly PrincipalIdentity[], source: string): void {
  const clashes = sharedIdentities(identities);
  if (clashes.length === 0) return;
  const sets = clashes.map((c) => `${listNames(c.names)} (${c.shared.join(', ')})`).join('; ');
  throw new SetupError(
    `These principals are the same user: ${sets}. Give each principal its own account, or the role and tenancy verdicts mean nothing; check ${source}.`,
  );
}

export interface SharedIdentity {
  /** The principals that are one user, in the order given. */
  readonly names: readonly string[];
  /** What they share, for the message: `userId 1111...`, `the same token`. */
  readonly shared: readonly string[];
}

/** The sets of principals that are one user: equal userIds, or a credential in common (union of both). */
export function sharedIdentities(identities: readonly PrincipalIdentity[]): SharedIdentity[] {
  const parent = identities.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i] as number)));
  const why = new Map<number, Set<string>>();
  const join = (a: number, b: number, reason: string): void => {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent[rb] = ra;
    const reasons = new Set([...(why.get(ra) ?? []), ...(why.get(rb) ?? []), reason]);
    why.delete(rb);
    why.set(ra, reasons);
  };
  const firstWith = new Map<string, number>();
  identities.forEach((identity, i) => {
    const keys: [string, string][] = identity.userId ? [[`userId\u0000${identity.userId}`, `userId ${identity.userId}`]] : [];
    for (const c of identity.credentials) if (c.value !== '') keys.push([`${c.label}\u0000${c.value}`, `the same ${c.label}`]);
    for (const [key, reason] of keys) {
      const first = firstWith.get(key);
      if (first === undefined) firstWith.set(key, i);
      else join(first, i, reason);
    }
  });
  const groups = new Map<number, string[]>();
  identities.forEach((identity, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), identity.name]));
  return [...groups].filter(([, names]) => names.length > 1).map(([r, names]) => ({ names, shared: [...(why.get(r) ?? [])] }));
}

function listNames(names: readonly string[]): string {
  return names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
