/**
 * (7) Secrets (E1): no password, hash or token in any user or organization object of the run: the
 * bodies of the organization operations, and the `user` of a login answer (whose tokens are its point).
 */
import { findSecrets } from '../../../kernel/assertions/secrets.js';
import type { RunContext } from '../context.js';
import { OP } from '../operations.js';
import { bodyField, type Exchange } from '../../../kernel/http/exchange.js';
import { sampleEveryOperation } from './samples.js';

export async function runSecrets(ctx: RunContext): Promise<void> {
  await sampleEveryOperation(ctx);
}

export async function sweepSecrets(ctx: RunContext): Promise<void> {
  const inspected = ctx.spec.operations.filter((op) => op.access.authenticated || op.operationId === OP.login);
  for (const op of inspected) {
    await ctx.recorder.run('secrets', `no password, hash or token in a ${op.operationId} response (E1)`, { mutates: false }, async (scope) => {
      const exchanges = ctx.http.exchanges.filter(
        (e) => e.meta.subject.kind === 'operation' && e.meta.subject.operationId === op.operationId && e.response?.json !== undefined,
      );
      if (exchanges.length === 0) scope.skip(`no ${op.operationId} response in this run`);
      for (const exchange of exchanges) {
        scope.attach(exchange);
        const [value, at] = objectsOf(exchange, op.operationId === OP.login);
        for (const found of findSecrets(value, ctx.secrets, at)) {
          scope.failOn(exchange, {
            type: 'secret',
            kind: 'envelope',
            reason: 'E1: a password, its hash or a token never appears in a user or organization object',
            location: found.location,
            expected: 'no secret in a user or organization object',
            received: found.what,
          });
        }
      }
    });
  }
}

/** The part of a body that holds user or organization objects. */
function objectsOf(exchange: Exchange, login: boolean): [unknown, string] {
  return login ? [bodyField(exchange, 'user'), 'user'] : [exchange.response?.json, '(body)'];
}
