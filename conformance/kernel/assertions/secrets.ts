/**
 * E1: no password, hash or token in any user or organization object. Looks for keys that name a
 * secret and for values equal to a secret the run knows (a principal's password or token, the
 * password of a user it created) or shaped like a password hash.
 */

/** The secrets a run has seen: value → what it is (`owner's password`). */
export class SecretBook {
  private readonly values = new Map<string, string>();

  add(value: string | null | undefined, label: string): void {
    if (value && value.length >= 6 && !this.values.has(value)) this.values.set(value, label);
  }

  labelOf(value: string): string | undefined {
    return this.values.get(value);
  }

  /** Every known secret, longest first (so a redaction never leaves a tail of a longer one). */
  entries(): [string, string][] {
    return [...this.values].sort((a, b) => b[0].length - a[0].length);
  }
}

const SECRET_KEY = /pass(word)?|pwd|hash|salt|secret|token|api[-_]?key|private[-_]?key/i;
// Modular-crypt shapes: `$2b$10$...` (bcrypt), `$argon2id$v=19$...`, `sha256$<salt>$<digest>` (the mock's own), ...
const HASH_VALUE = /^\$?(2[abxy]?|argon2(?:id|i|d)?|scrypt|pbkdf2(?:[-_]sha\d+)?|sha(?:1|256|512))\$[^\s$]+\$/;

export interface SecretFinding {
  /** JSON path, e.g. `data[2].password`. */
  readonly location: string;
  /** What was found: `a key named "password"`, `owner's password`. */
  readonly what: string;
}

/** Walks a user or organization object (or a list of them) and names every secret in it. */
export function findSecrets(value: unknown, book: SecretBook, at = '(body)'): SecretFinding[] {
  const found: SecretFinding[] = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      const label = book.labelOf(node);
      if (label) found.push({ location: path, what: `the value of ${label}` });
      else if (HASH_VALUE.test(node)) found.push({ location: path, what: 'a value shaped like a password hash' });
      return;
    }
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, `${path}[${i}]`));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        const where = path === '(body)' ? key : `${path}.${key}`;
        if (SECRET_KEY.test(key)) found.push({ location: where, what: `a key named "${key}"` });
        else walk(child, where);
      }
    }
  };
  walk(value, at);
  return found;
}

/** Learns the tokens an answer hands out (a login, a refresh), so that reports can redact them. */
export function learnTokens(body: unknown, book: SecretBook): void {
  if (typeof body !== 'object' || body === null) return;
  const { accessToken, refreshToken } = body as { accessToken?: unknown; refreshToken?: unknown };
  if (typeof accessToken === 'string') book.add(accessToken, 'an access token');
  if (typeof refreshToken === 'string') book.add(refreshToken, 'a refresh token');
}

/** Replaces every known secret in a text with `<label>`, for reports. */
export function redact(text: string, book: SecretBook): string {
  let out = text;
  for (const [value, label] of book.entries()) if (out.includes(value)) out = out.split(value).join(`<${label}>`);
  return out;
}

/** `redact` over every string of a JSON-like value. */
export function redactDeep<T>(value: T, book: SecretBook): T {
  if (typeof value === 'string') return redact(value, book) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v, book)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, book)])) as T;
  }
  return value;
}
