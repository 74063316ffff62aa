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

/** A secret as an echo may carry it: verbatim, URL-encoded, base64 (standard or URL-safe). */
function formsOf(secret: string): string[] {
  const base64 = Buffer.from(secret).toString('base64');
  return [
    secret,
    encodeURIComponent(secret),
    base64,
    base64.replace(/=+$/, ''),
    Buffer.from(secret).toString('base64url'),
  ];
}

/**
 * The prefix of a secret that still identifies it: a message cut or truncated by a proxy may
 * echo all but the last characters, which is as good as the whole for an attacker.
 */
const IDENTIFYING_PREFIX = 12;

export function redactSecrets(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of formsOf(secret)) out = out.split(form).join('[redacted]');
    if (secret.length > IDENTIFYING_PREFIX) {
      const prefix = secret.slice(0, IDENTIFYING_PREFIX);
      // Whatever follows an echoed prefix up to the next separator is taken for the rest of it.
      out = out.replace(new RegExp(`${escapeRegExp(prefix)}[^\\s"',;]*`, 'g'), '[redacted]');
    }
  }
  for (const [shape, replacement] of TOKEN_SHAPES) out = out.replace(shape, replacement);
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
