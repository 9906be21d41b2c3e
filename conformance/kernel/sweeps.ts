/**
 * The sweeps every profile runs once its groups have cleaned up, over every recorded exchange of the
 * run: each response against its documented envelope (assertions/envelope.ts), and no 5xx or dropped
 * connection anywhere (W3 of both APIs). Knows no API: the profile names the group and the cases.
 */
import type { ContractValidators, LoadedSpec } from '../../src/contract/index.js';
import { checkEnvelope } from './assertions/envelope.js';
import type { HttpClient } from './http/client.js';
import { operationLabel, type Exchange } from './http/exchange.js';
import type { Recorder } from './recorder.js';
import { preview } from './text.js';

/** What a sweep reads: the spec, the run's exchanges, and the recorder its cases go to. */
export interface SweepRun {
  readonly spec: LoadedSpec;
  readonly validators: ContractValidators;
  readonly options: { readonly lenientMessages: boolean };
  readonly http: Pick<HttpClient, 'exchanges'>;
  readonly recorder: Recorder;
}

/** What a case of the envelope sweep looks at: an operation's responses, or those of a stray route. */
export type EnvelopeSubject =
  { readonly kind: 'operation'; readonly operationId: string } | { readonly kind: 'route'; readonly component: 'RouteNotFound' | 'MethodNotAllowed' };

/** The API's own rule ids for what assertions/envelope.ts cites with Flashback's (E1: the JSON content type; section 4: the envelope). */
export interface EnvelopeRules {
  readonly contentType: string;
  readonly envelope: string;
}

export interface EnvelopeSweep {
  /** The case name for a subject, with the rules it cites. */
  readonly title: (subject: EnvelopeSubject) => string;
  /** The rules the failures cite; default: Flashback's, as assertions/envelope.ts words them. */
  readonly rules?: EnvelopeRules;
}

/** A failure's reason with the API's own rule in place of Flashback's. */
function citing(reason: string, rules: EnvelopeRules | undefined): string {
  if (!rules) return reason;
  return reason.replace(/^E1:/, `${rules.contentType}:`).replace(/^section 4:/, `${rules.envelope}:`);
}

/** One case per operation and per stray-route kind: every response of the run matches what the spec documents for it. */
export async function sweepEnvelopes(run: SweepRun, group: string, sweep: EnvelopeSweep): Promise<void> {
  const subjects: EnvelopeSubject[] = [
    ...run.spec.operations.map((op): EnvelopeSubject => ({ kind: 'operation', operationId: op.operationId })),
    { kind: 'route', component: 'RouteNotFound' },
    { kind: 'route', component: 'MethodNotAllowed' },
  ];
  const bySubject = new Map<string, Exchange[]>();
  for (const exchange of run.http.exchanges) {
    const s = exchange.meta.subject;
    const key = s.kind === 'operation' ? s.operationId : s.kind === 'route' ? s.component : null;
    if (key) bySubject.set(key, [...(bySubject.get(key) ?? []), exchange]);
  }
  const envelope = { spec: run.spec, validators: run.validators, lenientMessages: run.options.lenientMessages };
  for (const subject of subjects) {
    const key = subject.kind === 'operation' ? subject.operationId : subject.component;
    await run.recorder.run(group, sweep.title(subject), { mutates: false }, async (scope) => {
      const exchanges = bySubject.get(key) ?? scope.skip(`no ${key} response in this run`);
      for (const exchange of exchanges) {
        scope.attach(exchange);
        for (const failure of checkEnvelope(exchange, envelope)) scope.failOn(exchange, { ...failure, reason: citing(failure.reason, sweep.rules) });
      }
    });
  }
}

/**
 * W3 over the whole run: no 5xx and no dropped connection, on any request the suite sent. Fails
 * whenever one happened. A 5xx or drop that a case already reported (as a robustness failure, see
 * assertions/outcome.ts) is not listed a second time: they are folded into one failure here that
 * counts them and names the checks that report them; any other is listed on its own.
 */
export async function sweepServerErrors(run: Pick<SweepRun, 'http' | 'recorder'>, group: string, name: string): Promise<void> {
  const reported = new Map<number, string>();
  for (const f of run.recorder.failures) {
    const serverSide = (f.type === 'status' && f.received >= 500) || f.type === 'transport';
    if (serverSide && f.kind === 'robustness' && f.exchangeId !== null && !reported.has(f.exchangeId)) reported.set(f.exchangeId, f.check);
  }
  await run.recorder.run(group, name, { mutates: false }, async (scope) => {
    const folded: Exchange[] = [];
    for (const exchange of run.http.exchanges) {
      if (exchange.meta.subject.kind === 'internal') continue;
      const code = exchange.response?.status;
      if (exchange.response && code !== undefined && code < 500) continue;
      scope.attach(exchange);
      if (reported.has(exchange.id)) folded.push(exchange);
      else if (exchange.response && code !== undefined) {
        scope.failOn(exchange, {
          type: 'state',
          kind: 'robustness',
          reason: 'W3: no request, however malformed, yields a 5xx',
          expected: 'a status below 500',
          received: `${code} ${exchange.response.text.slice(0, 120)}`,
        });
      } else {
        scope.failOn(exchange, {
          type: 'transport',
          kind: 'robustness',
          reason: 'W3: no request drops the connection',
          expected: 'an HTTP response',
          received: exchange.error ?? 'no response',
        });
      }
    }
    if (folded.length === 0) return;
    const groups = tally(folded.map((e) => reported.get(e.id) as string));
    scope.fail({
      type: 'state',
      kind: 'robustness',
      operation: preview([...new Set(folded.map(operationLabel))], 3),
      principal: preview([...new Set(folded.map((e) => e.meta.principal))], 3),
      request: null,
      exchangeId: null,
      reason: 'W3: no request, however malformed, yields a 5xx or drops the connection',
      expected: 'no 5xx and no dropped connection in the run',
      received: `${answers(folded)}, each also listed under the check that sent it (${groups})`,
    });
  });
}

/** `matrix ×12, lifecycle ×1`. */
function tally(items: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].map(([item, n]) => `${item} ×${n}`).join(', ');
}

/** `500 ×12 (logout ×11, login ×1); no response ×1`. */
function answers(exchanges: readonly Exchange[]): string {
  const byAnswer = new Map<string, Map<string, number>>();
  for (const e of exchanges) {
    const answer = e.response ? String(e.response.status) : 'no response';
    const ops = byAnswer.get(answer) ?? new Map<string, number>();
    const op = operationLabel(e);
    ops.set(op, (ops.get(op) ?? 0) + 1);
    byAnswer.set(answer, ops);
  }
  return [...byAnswer]
    .map(([answer, ops]) => {
      const total = [...ops.values()].reduce((a, b) => a + b, 0);
      const top = [...ops].sort((a, b) => b[1] - a[1]);
      return `${answer} ×${total} (${preview(
        top.map(([op, n]) => `${op} ×${n}`),
        4,
      )})`;
    })
    .join('; ');
}
