/**
 * What a Tours run creates on the target (roles, invitations, API keys, sessions), each with the way
 * to remove it. Names and emails carry the run id (`conf-<runId>-...`) so that a person can find what
 * a run left behind; the report lists whatever could not be removed.
 */
import { bodyField, type Exchange } from '../../kernel/http/exchange.js';
import type { CaseScope } from '../../kernel/recorder.js';

export type RecordKind = 'role' | 'invitation' | 'API key' | 'session' | 'membership' | 'organization';

interface Tracked {
  readonly kind: RecordKind;
  readonly id: string;
  /** Removes it; resolves to null when it is gone (or was gone already), else what the target answered. */
  readonly remove: (scope: CaseScope) => Promise<string | null>;
}

export class Fixtures {
  private readonly tracked = new Map<string, Tracked>();
  private counter = 0;

  constructor(private readonly runId: string) {}

  /** A fresh name marked with the run id: `conf-<runId>-<label>-<n>` (a role slug, an API key's name). */
  name(label: string): string {
    return `conf-${this.runId}-${label}-${++this.counter}`
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 32);
  }

  /** A fresh email marked with the run id. */
  email(label: string): string {
    return `conf-${this.runId}-${label}-${++this.counter}@example.test`.toLowerCase();
  }

  /** Tracks a record the run created, with how to remove it. */
  track(kind: RecordKind, id: string, remove: Tracked['remove']): void {
    this.tracked.set(`${kind} ${id}`, { kind, id, remove });
  }

  /** Forgets a record a check removed itself. */
  forget(kind: RecordKind, id: string): void {
    this.tracked.delete(`${kind} ${id}`);
  }

  get createdCount(): number {
    return this.tracked.size;
  }

  /** Removes everything still tracked, newest first; one line per record that could not be removed. */
  async cleanup(scope: CaseScope): Promise<string[]> {
    const left: string[] = [];
    for (const record of [...this.tracked.values()].reverse()) {
      const problem = await record.remove(scope).catch((error: unknown) => String(error));
      if (problem !== null) left.push(`${record.kind} ${record.id}: ${problem}`);
    }
    this.tracked.clear();
    if (left.length === 0) return [];
    return [`Could not remove ${left.length} record(s) the run created (names and emails conf-${this.runId}-...): ${left.join('; ')}`];
  }
}

/** `201 {...}` or `404 {"error": ...}`: a short answer for notes. */
export function answer(exchange: Exchange): string {
  if (!exchange.response) return exchange.error ?? 'no answer';
  const error = bodyField(exchange, 'error');
  return `${exchange.response.status}${typeof error === 'string' ? ` ${error}` : ''}`;
}
