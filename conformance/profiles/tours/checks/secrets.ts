/**
 * Secrets (TA6, TI1, TA2): no answer of the run, body or header, shows an API key (but the one-time
 * `key` of its own 201), the SHA-256 of a key, a session token (but the sign-in's own), an invitation
 * token (never, TI1: the email, the mock's outbox, is no API answer) or a password. The secrets
 * looked for are every one the run knows (the kernel's SecretBook: the principals' passwords, keys
 * and sessions, the seeded expired and revoked keys and pending invitation), those the run's own
 * answers handed out (the keys of its 201s, the tokens of its sign-ins), the invitation tokens of the
 * mock's outbox where the target has one, and anything shaped like a key or named like a secret.
 * Besides, the key list and a key show a 12-character `keyPrefix` that begins the key (TA6).
 */
import { createHash } from 'node:crypto';
import { bodyField, operationIdOf, type Exchange } from '../../../kernel/http/exchange.js';
import type { CaseScope } from '../../../kernel/recorder.js';
import type { ToursContext } from '../context.js';
import { sampleEveryOperation } from './envelopes.js';
import { trackCreated } from './records.js';

const GROUP = 'secrets';

type Json = Record<string, unknown>;

type SecretKind = 'apiKey' | 'keyHash' | 'session' | 'invitation' | 'password';

interface Secret {
  readonly value: string;
  readonly label: string;
}

/** An API key as TA1 shapes it; one nobody told the suite about is caught by its shape. */
const KEY_SHAPE = /tke_(?:live|test)_[A-Za-z0-9_-]{32}/g;

export async function runSecrets(ctx: ToursContext): Promise<void> {
  await sampleEveryOperation(ctx);
  await seededKeyPrefix(ctx);
  await newKeyPrefix(ctx);
}

// ---- keyPrefix (TA6) ---------------------------------------------------------------------------------

function keysOf(exchange: Exchange): Json[] {
  const data = bodyField(exchange, 'data');
  return Array.isArray(data) ? data.filter((k): k is Json => typeof k === 'object' && k !== null) : [];
}

/** A key record as listed or read: a 12-character keyPrefix, the key's first 12, and never the key. */
function expectPrefix(scope: CaseScope, exchange: Exchange, record: Json, key: string | null, where: string): void {
  const prefix = record.keyPrefix;
  const problems: string[] = [];
  if (typeof prefix !== 'string' || [...prefix].length !== 12) problems.push(`keyPrefix ${JSON.stringify(prefix)} is not 12 characters`);
  else if (key !== null && !key.startsWith(prefix)) problems.push(`keyPrefix ${prefix} does not begin the key`);
  if ('key' in record) problems.push('the full key is shown');
  if (problems.length === 0) return;
  scope.failOn(exchange, {
    type: 'state',
    kind: 'envelope',
    reason: 'TA6: a key is shown by its 12-character keyPrefix, its first 12 characters, and in full only in the 201 that made it',
    expected: `${where}: keyPrefix ${key === null ? 'of 12 characters' : key.slice(0, 12)}, no key`,
    received: `${where}: ${problems.join('; ')}`,
  });
}

async function seededKeyPrefix(ctx: ToursContext): Promise<void> {
  const title = "the key list and a key show a 12-character keyPrefix that begins the principal's key, never the key (TA6)";
  await ctx.recorder.run(GROUP, title, { mutates: false }, async (scope) => {
    const actor = ctx.need(scope, 'orgless');
    const key = actor.principal?.apiKey ?? scope.skip(ctx.missingReason('orgless', 'apiKey'));
    const { exchange: list, ok } = await ctx.callExpecting(scope, actor, 'listApiKeys', {});
    if (!ok) return;
    const keys = keysOf(list);
    keys.forEach((k, i) => expectPrefix(scope, list, k, null, `data[${i}]`));
    const own = keys.find((k) => k.keyPrefix === key.slice(0, 12));
    if (!own) {
      scope.failOn(list, {
        type: 'state',
        kind: 'envelope',
        reason: "TA6: the list holds the user's keys, each by its keyPrefix (the key's first 12 characters)",
        expected: `an entry with keyPrefix ${key.slice(0, 12)}`,
        received: `keyPrefixes ${keys.map((k) => String(k.keyPrefix)).join(', ') || 'none'}`,
      });
      return;
    }
    const { exchange: one, ok: read } = await ctx.callExpecting(scope, actor, 'getApiKey', { params: { id: String(own.id) } }, { target: 'present' });
    if (read) expectPrefix(scope, one, one.response?.json as Json, key, 'the key');
  });
}

async function newKeyPrefix(ctx: ToursContext): Promise<void> {
  const title = "a new key's keyPrefix is its first 12 characters, in its 201, the list and its read; the key itself only in the 201 (TA6, TA1)";
  await ctx.recorder.run(GROUP, title, { mutates: true }, async (scope) => {
    const actor = ctx.need(scope, 'globex-coordinator');
    const { exchange: created, ok } = await ctx.callExpecting(scope, actor, 'createApiKey', { json: { name: ctx.fixtures.name('secrets') } });
    await trackCreated(ctx, ctx.op('createApiKey'), actor, created);
    if (!ok) return;
    const record = created.response?.json as Json;
    const key = typeof record.key === 'string' ? record.key : null;
    if (key === null || !new RegExp(`^${KEY_SHAPE.source}$`).test(key)) {
      scope.failOn(created, {
        type: 'state',
        kind: 'envelope',
        reason: 'TA1: a key is tke_<live|test>_ and 32 base64url characters (24 random bytes), shown in full in its 201',
        expected: 'key tke_(live|test)_ and 32 base64url characters',
        received: `key ${JSON.stringify(record.key)}`,
      });
      return;
    }
    ctx.secrets.add(key, 'an API key the run made');
    const { key: _shown, ...rest } = record;
    expectPrefix(scope, created, rest, key, 'the 201');
    const { exchange: list, ok: listed } = await ctx.callExpecting(scope, actor, 'listApiKeys', {});
    if (listed) {
      const entry = keysOf(list).find((k) => k.id === record.id);
      if (entry) expectPrefix(scope, list, entry, key, 'its entry in the list');
      else
        scope.failOn(list, {
          type: 'state',
          kind: 'business',
          reason: "TA6: the list holds every key of the user's",
          expected: `the key ${String(record.id)}`,
          received: 'not listed',
        });
    }
    const { exchange: one, ok: read } = await ctx.callExpecting(scope, actor, 'getApiKey', { params: { id: String(record.id) } }, { target: 'present' });
    if (read) expectPrefix(scope, one, one.response?.json as Json, key, 'its read');
  });
}

// ---- the sweep ---------------------------------------------------------------------------------------

/** What a SecretBook label names: `acme-owner's API key`, `a session the run opened`, `the pending invitation token`. */
function kindOfLabel(label: string): SecretKind | null {
  if (/password/i.test(label)) return 'password';
  if (/api key/i.test(label)) return 'apiKey';
  if (/invitation/i.test(label)) return 'invitation';
  if (/session/i.test(label)) return 'session';
  return null;
}

const sha256 = (value: string, encoding: 'hex' | 'base64' | 'base64url'): string => createHash('sha256').update(value).digest(encoding);

/** Every secret the run knows, by kind: the book's, those the answers handed out, and, on the mock, the outbox's invitation tokens. */
async function knownSecrets(ctx: ToursContext, scope: CaseScope): Promise<Map<SecretKind, Secret[]>> {
  const byKind = new Map<SecretKind, Map<string, string>>();
  const add = (kind: SecretKind, value: unknown, label: string): void => {
    if (typeof value !== 'string' || value.length < 8) return;
    const known = byKind.get(kind) ?? new Map<string, string>();
    if (!known.has(value)) known.set(value, label);
    byKind.set(kind, known);
    if (kind !== 'keyHash') ctx.secrets.add(value, label);
  };
  for (const [value, label] of ctx.secrets.entries()) {
    const kind = kindOfLabel(label);
    if (kind) add(kind, value, label);
  }
  for (const exchange of ctx.http.exchanges) {
    const op = operationIdOf(exchange);
    if (op === 'createApiKey' && exchange.response?.status === 201) add('apiKey', bodyField(exchange, 'key'), 'an API key the run made');
    if (op === 'signInEmail' && exchange.response?.status === 200) add('session', bodyField(exchange, 'token'), 'a session the run opened');
  }
  if (ctx.principals.mockControlPlane) {
    // The email is where an invitation's token goes (TI1): the mock's outbox lists every token sent so far, resends included.
    const outbox = await ctx.internal(scope, { method: 'GET', path: '/__mock/outbox' });
    const emails = bodyField(outbox, 'emails');
    if (Array.isArray(emails)) for (const email of emails as Json[]) add('invitation', email.token, 'an invitation token of the outbox');
  }
  for (const [value, label] of byKind.get('apiKey') ?? []) {
    for (const encoding of ['hex', 'base64', 'base64url'] as const) add('keyHash', sha256(value, encoding), `the SHA-256 of ${label}`);
  }
  return new Map([...byKind].map(([kind, values]) => [kind, [...values].map(([value, label]) => ({ value, label }))]));
}

/** What of an answer may be searched: its body without the one field it may show, and its headers but that field's cookie. */
function searchable(exchange: Exchange): { text: string; allowed: string | null } {
  const response = exchange.response;
  if (!response) return { text: '', allowed: null };
  const op = operationIdOf(exchange);
  // The 201 of a new key shows that key, and a sign-in's 200 its own session, in the body and the cookie (TA6, TA2).
  const field = op === 'createApiKey' && response.status === 201 ? 'key' : op === 'signInEmail' && response.status === 200 ? 'token' : null;
  const allowed = field === null ? null : bodyField(exchange, field);
  let body = response.text;
  if (field !== null && typeof allowed === 'string' && typeof response.json === 'object' && response.json !== null) {
    const { [field]: _own, ...rest } = response.json as Json;
    body = JSON.stringify(rest);
  }
  const headers = Object.entries(response.headers)
    .map(([name, value]) => `${name}: ${typeof allowed === 'string' && name === 'set-cookie' ? value.split(allowed).join('') : value}`)
    .join('\n');
  return { text: `${body}\n${headers}`, allowed: typeof allowed === 'string' ? allowed : null };
}

interface SweepCase {
  readonly kind: SecretKind;
  readonly title: string;
  readonly rule: string;
  readonly says: string;
  /** Extra findings besides the known values: a key's shape, a key named like the secret. */
  readonly extra?: (exchange: Exchange, text: string, allowed: string | null) => string[];
}

/** Keys of a body named like this kind of secret (`password`, `hash`, `token`), with where they are; `allowedField` at the top is the answer's own. */
function namedKeys(exchange: Exchange, pattern: RegExp, allowedField: string | null): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string, top: boolean): void => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`, false));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node as Json)) {
        const at = path ? `${path}.${key}` : key;
        if (pattern.test(key) && !(top && key === allowedField)) found.push(`a key named "${key}" at ${at}`);
        walk(child, at, false);
      }
    }
  };
  walk(exchange.response?.json, '', true);
  return found;
}

const INVITATION_OPS = /invitation/i;

function sweepCases(): SweepCase[] {
  return [
    {
      kind: 'apiKey',
      title: 'no answer shows an API key, but the one-time key of its own 201 (TA6)',
      rule: 'TA6',
      says: 'the full key is shown once, in the 201 that made it',
      extra: (_exchange, text, allowed) => [...new Set(text.match(KEY_SHAPE) ?? [])].filter((k) => k !== allowed).map(() => 'a value shaped like an API key'),
    },
    {
      kind: 'keyHash',
      title: 'no answer shows the SHA-256 hash of a key (TA6)',
      rule: 'TA6',
      says: 'the server keeps a SHA-256 of each key and shows it nowhere',
      extra: (exchange) => namedKeys(exchange, /hash|salt|digest/i, null),
    },
    {
      kind: 'session',
      title: 'no answer shows a session token, but a sign-in its own (TA2)',
      rule: 'TA2',
      says: "a session's token is the sign-in's answer and cookie, and nothing else's",
      extra: (exchange) =>
        INVITATION_OPS.test(operationIdOf(exchange) ?? '') ? [] : namedKeys(exchange, /token/i, operationIdOf(exchange) === 'signInEmail' ? 'token' : null),
    },
    {
      kind: 'invitation',
      title: 'no API answer shows an invitation token: it is sent in the email only (TI1)',
      rule: 'TI1',
      says: "an invitation's token goes into its email and never into an API answer",
      extra: (exchange) => (INVITATION_OPS.test(operationIdOf(exchange) ?? '') ? namedKeys(exchange, /token/i, null) : []),
    },
    {
      kind: 'password',
      title: 'no answer shows a password (section 2)',
      rule: 'section 2',
      says: 'a password is sent to sign in and shown nowhere',
      extra: (exchange) => namedKeys(exchange, /pass(word)?|pwd/i, null),
    },
  ];
}

export async function sweepSecrets(ctx: ToursContext): Promise<void> {
  const answers = ctx.http.exchanges.filter((e) => e.meta.subject.kind !== 'internal' && e.response !== null);
  const setup = { secrets: null as Map<SecretKind, Secret[]> | null };
  for (const sweep of sweepCases()) {
    await ctx.recorder.run(GROUP, sweep.title, { mutates: false }, async (scope) => {
      if (answers.length === 0) scope.skip('no answer in this run');
      setup.secrets ??= await knownSecrets(ctx, scope);
      const secrets = setup.secrets.get(sweep.kind) ?? [];
      for (const exchange of answers) {
        const { text, allowed } = searchable(exchange);
        const found = [...secrets.filter((s) => text.includes(s.value)).map((s) => s.label), ...(sweep.extra?.(exchange, text, allowed) ?? [])];
        if (found.length === 0) continue;
        scope.attach(exchange);
        scope.failOn(exchange, {
          type: 'secret',
          kind: 'envelope',
          reason: `${sweep.rule}: ${sweep.says}`,
          location: 'the body or a header',
          expected: 'no secret in the answer',
          received: [...new Set(found)].join('; '),
        });
      }
    });
  }
}
