/** The start-up table of the seeded principals: who to log in as, with a ready token to paste. */
import type { PrincipalInfo } from '../engine/api.js';

const COLUMNS = ['name', 'role', 'email', 'password', 'access token'] as const;

export function principalTable(principals: readonly PrincipalInfo[]): string {
  const rows = principals.map((p) => [p.name, p.role ?? '(no organization)', p.email, p.password, p.accessToken ?? '(cannot log in)']);
  // The token is the last column and is never padded: it is long, and copied whole.
  const widths = COLUMNS.slice(0, -1).map((title, i) => Math.max(title.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] as number) : cell)).join('  ').trimEnd();
  return [line(COLUMNS), ...rows.map(line)].join('\n');
}
