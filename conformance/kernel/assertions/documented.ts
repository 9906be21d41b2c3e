/**
 * Every message the spec documents anywhere: the `message` or `error` text of any example or
 * extension (an `x-access` rule's message, say), and the values a schema pins for a `message` or
 * `error` property (`const`, `enum`). The recorder uses it to tell a reworded message (documented
 * nowhere: the `message` kind) from a documented message of another case (the target applied
 * another rule: the kind of the rule that expected the answer).
 */
const TEXT_FIELDS = new Set(['message', 'error']);

export function documentedMessages(document: unknown): ReadonlySet<string> {
  const found = new Set<string>();
  const seen = new Set<object>();
  const walk = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (TEXT_FIELDS.has(key)) for (const text of textsOf(child)) found.add(text);
      walk(child);
    }
  };
  walk(document);
  return found;
}

/** A string, or the strings a property schema pins (`{const: ...}`, `{enum: [...]}`). */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  const schema = value as { const?: unknown; enum?: unknown };
  const pinned = [schema.const, ...(Array.isArray(schema.enum) ? (schema.enum as unknown[]) : [])];
  return pinned.filter((v): v is string => typeof v === 'string');
}
