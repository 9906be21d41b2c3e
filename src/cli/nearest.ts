/**
 * "Did you mean": the known name closest to a mistyped one, by edit distance, when it is close
 * enough to be a typo (at most a third of its length, and at most 3 edits) rather than another word.
 */

/** Edit distance: insertions, deletions, substitutions and swaps of two neighbours (`prot` → `port`), each costing 1. */
function distance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const above = rows[i - 1] as number[];
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/** The nearest of `known` to `typed`, or null when none is near enough to be what was meant. */
export function nearest(typed: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of known) {
    const d = distance(typed.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  // A prefix of a known name (`--stat` for `--state-file`) is what was meant too.
  const prefixed = known.filter((name) => typed.length >= 3 && name.startsWith(typed));
  if (bestDistance > allowed && prefixed.length === 1) return prefixed[0] as string;
  return bestDistance <= allowed ? best : null;
}
