/** The start-up table of the seeded principals: who to sign in as, with a ready credential to paste. */
import type { PrincipalInfo } from '../engine/api.js';

/** `credential` names the column holding the credential to paste (`accessToken`, `apiKey`); its heading is spelled out. */
export function principalTable(principals: readonly PrincipalInfo[], credential = 'accessToken'): string {
  const columns = ['name', 'role', 'email', 'password', credential.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`)];
  const rows = principals.map((p) => {
    const value = p[credential];
    return [p.name, p.role ?? '(no organization)', p.email, p.password, typeof value === 'string' ? value : '(cannot sign in)'];
  });
  // The credential is the last column and is never padded: it is long, and copied whole.
  const widths = columns.slice(0, -1).map((title, i) => Math.max(title.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i < widths.length ? cell.padEnd(widths[i] as number) : cell))
      .join('  ')
      .trimEnd();
  return [line(columns), ...rows.map(line)].join('\n');
}
