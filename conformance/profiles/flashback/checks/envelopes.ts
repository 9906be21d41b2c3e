/**
 * (2) Envelopes: every response of the run, whatever its status, is documented for its operation,
 * JSON with a JSON content type, valid against the spec's schema for that status, with the
 * required headers (assertions/envelope.ts). One case per operation, and one per stray route kind.
 */
import { checkEnvelope } from '../../../kernel/assertions/envelope.js';
import type { RunContext } from '../context.js';
import type { Exchange } from '../../../kernel/http/exchange.js';
import { sampleEveryOperation } from './samples.js';

export async function runEnvelopes(ctx: RunContext): Promise<void> {
  await sampleEveryOperation(ctx);
}

export async function sweepEnvelopes(ctx: RunContext): Promise<void> {
  const subjects = [
    ...ctx.spec.operations.map((op) => ({ key: op.operationId, title: `every ${op.operationId} response matches its documented envelope` })),
    { key: 'RouteNotFound', title: 'every unknown-route response matches RouteNotFound' },
    { key: 'MethodNotAllowed', title: 'every wrong-method response matches MethodNotAllowed' },
  ];
  const bySubject = new Map<string, Exchange[]>();
  for (const exchange of ctx.http.exchanges) {
    const s = exchange.meta.subject;
    const key = s.kind === 'operation' ? s.operationId : s.kind === 'route' ? s.component : null;
    if (key) bySubject.set(key, [...(bySubject.get(key) ?? []), exchange]);
  }
  const envelope = { spec: ctx.spec, validators: ctx.validators, lenientMessages: ctx.options.lenientMessages };
  for (const { key, title } of subjects) {
    await ctx.recorder.run('envelopes', title, { mutates: false }, async (scope) => {
      const exchanges = bySubject.get(key) ?? scope.skip(`no ${key} response in this run`);
      for (const exchange of exchanges) {
        scope.attach(exchange);
        for (const failure of checkEnvelope(exchange, envelope)) scope.failOn(exchange, failure);
      }
    });
  }
}
