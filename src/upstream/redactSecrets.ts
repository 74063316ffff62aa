/**
 * Strips credentials from text that will be shown to a client or written to a log. Two nets:
 * the secrets the gateway knows by value (the token it just sent, the cluster's own token), and
 * anything shaped like a credential (a bearer header, an OpenShift `sha256~` token, a JWT such as
 * a service-account token). An upstream, or a proxy in front of it, that echoes a token back in
 * an error message therefore never gets it relayed.
 */
const TOKEN_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/\bbearer\s+[^\s"',;]+/gi, 'Bearer [redacted]'],
  [/sha256~[A-Za-z0-9_-]{8,}/g, '[redacted]'],
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted]'],
];

/** Secrets shorter than this are not searched for: they would match ordinary words. */
const MIN_SECRET_LENGTH = 8;

/**
 * A secret as an echo may carry it: verbatim, URL-encoded, hex, and base64 (standard or
 * URL-safe) whether it starts the encoded text or not. Inside a longer base64 text (say
 * `Authorization: Bearer <token>` encoded whole) the secret's encoding depends on its offset
 * modulo 3, and its first and last characters on its neighbours: for each offset, the stable
 * middle is searched for.
 */
function formsOf(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const base64 = bytes.toString('base64');
  const forms = [
    secret,
    encodeURIComponent(secret),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
  ];
  for (const offset of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const text = shifted.toString(encoding).replace(/=+$/, '');
      // Drop the block holding the neighbours' bytes at each end.
      const middle = text.slice(offset === 0 ? 0 : 4, text.length - 4);
      if (middle.length >= IDENTIFYING_PREFIX) forms.push(middle);
    }
  }
  return forms;
}

/**
 * The prefix of a secret that still identifies it: a message cut or truncated by a proxy may
 * echo all but the last characters, which is as good as the whole for an attacker.
 */
const IDENTIFYING_PREFIX = 12;

/**
 * Text past this is dropped before redacting: every caller shows at most a few thousand
 * characters, and a 32 MiB error body (a hostile upstream) must not cost seconds of CPU.
 */
export const MAX_REDACTED_TEXT = 64 * 1024;

/** Characters that end a token-like run (what an echo of a secret is delimited by). */
const SEPARATOR = /[\s"',;]/;

/**
 * Replaces every run of non-separator characters that ends with `suffix` by `[redacted]`, in one
 * pass (a regular expression `[^…]*suffix` would retry the run from every position: quadratic).
 */
function redactRunsEndingWith(text: string, suffix: string): string {
  let out = '';
  let done = 0;
  let from = 0;
  for (;;) {
    const at = text.indexOf(suffix, from);
    if (at < 0) break;
    let start = at;
    while (start > done && !SEPARATOR.test(text[start - 1] ?? ' ')) start -= 1;
    out += `${text.slice(done, start)}[redacted]`;
    done = at + suffix.length;
    from = done;
  }
  return out + text.slice(done);
}

export function redactSecrets(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text.length > MAX_REDACTED_TEXT ? text.slice(0, MAX_REDACTED_TEXT) : text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of formsOf(secret)) out = out.split(form).join('[redacted]');
    if (secret.length > IDENTIFYING_PREFIX) {
      const prefix = secret.slice(0, IDENTIFYING_PREFIX);
      const suffix = secret.slice(-IDENTIFYING_PREFIX);
      // Whatever follows an echoed prefix up to the next separator is taken for the rest of it,
      // and whatever precedes an echoed suffix (a message cut at its start).
      out = out.replace(new RegExp(`${escapeRegExp(prefix)}[^\\s"',;]*`, 'g'), '[redacted]');
      out = redactRunsEndingWith(out, suffix);
    }
  }
  for (const [shape, replacement] of TOKEN_SHAPES) out = out.replace(shape, replacement);
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
