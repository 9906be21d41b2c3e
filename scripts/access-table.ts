/**
 * The access table of one spec, rendered from what the access reader read (never written by hand):
 * `npm run generate` writes one into openapi/README.md for each spec, between markers, and
 * `npm run generate:check` fails when one no longer matches its spec.
 */
import type { AccessModel, AccessRule, LoadedSpec } from '../src/contract/index.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|');
const code = (text: string): string => `\`${text}\``;

function gate(rule: AccessRule): string {
  const g = rule.gate;
  if (!g) return rule.credentials.length === 0 ? '—' : 'any caller';
  if (g.kind === 'minRole') return `role ≥ ${code(g.role)}`;
  if (g.kind === 'permission') return `permission ${code(g.permission)}`;
  if (g.kind === 'roles') return `role in ${g.roles.map(code).join(', ')}`;
  return `platform flag ${code(g.flag)}`;
}

function tenant(rule: AccessRule): string {
  const t = rule.tenant;
  if (!t) return '—';
  const from = t.from === 'path' ? `path ${code(`{${t.param ?? ''}}`)}` : 'caller';
  return `${from}; foreign → ${t.foreign}`;
}

function target(rule: AccessRule): string {
  const t = rule.target;
  return t ? `${code(`{${t.param}}`)} of ${t.owner}` : '—';
}

function escalation(rule: AccessRule): string {
  return rule.escalation.map((e) => `${e.rule} ${code(e.field ? `${e.check}(${e.field})` : e.check)}`).join(', ') || '—';
}

function credentials(rule: AccessRule): string {
  if (rule.credentials.length === 0) return 'none';
  return rule.credentials.map(code).join(', ') + (rule.optional ? ' (optional)' : '');
}

/** One line on the roles and permissions of the model. */
function modelSummary(model: AccessModel): string[] {
  const lines = [`Credential kinds: ${[...model.credentials].map(([kind, scheme]) => `${code(kind)} (scheme ${code(scheme)})`).join(', ') || 'none'}.`];
  const roles = model.roles;
  if (roles.kind === 'ranked') lines.push(`Ranked roles, lowest first: ${roles.ranked.map((r) => `${code(r.name)} ${r.value}`).join(', ')}.`);
  if (roles.kind === 'system') {
    lines.push(`Permissions: ${model.permissions.map((p) => code(p.key)).join(', ')}.`);
    lines.push(
      `System roles: ${roles.system.map((r) => `${code(r.name)} (${r.permissions.length === model.permissions.length ? 'all' : r.permissions.map(code).join(', ') || 'none'}${r.reserved ? '; reserved' : ''}${r.assignableBy ? `; assigned only by ${r.assignableBy.map(code).join(', ')}` : ''})`).join(', ')}.` +
        (roles.customShadows ? ' Organizations define their own roles, which shadow system roles of the same name.' : ''),
    );
  }
  if (model.platformFlags.length > 0) lines.push(`Platform flags: ${model.platformFlags.map(code).join(', ')}.`);
  return lines;
}

/** The markdown table of every operation's access rule, with the model's summary above it. */
export function renderAccessTable(spec: LoadedSpec): string {
  const rows = spec.operations.map((op) => {
    const rule = op.access;
    return `| ${code(op.operationId)} | ${op.method} ${code(op.path)} | ${credentials(rule)} | ${gate(rule)} | ${tenant(rule)} | ${target(rule)} | ${escalation(rule)} | ${cell(rule.denied?.message ?? '—')} |`;
  });
  return [
    ...modelSummary(spec.accessModel),
    '',
    '| operation | route | credentials | gate | tenant | target | escalation | 403 of the gate |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Replaces the text between `<!-- access-table: name -->` and `<!-- /access-table -->`; throws when the markers are missing. */
export function spliceAccessTable(readme: string, name: string, table: string): string {
  const open = `<!-- access-table: ${name} -->`;
  const close = '<!-- /access-table -->';
  const start = readme.indexOf(open);
  const end = start < 0 ? -1 : readme.indexOf(close, start);
  if (start < 0 || end < 0) throw new Error(`openapi/README.md has no "${open}" ... "${close}" section for ${name}`);
  return `${readme.slice(0, start + open.length)}\n${table}\n${readme.slice(end)}`;
}
