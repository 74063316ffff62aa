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

export function redactSecrets(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH)
      out = out.split(secret).join('[redacted]');
  }
  for (const [shape, replacement] of TOKEN_SHAPES) out = out.replace(shape, replacement);
  return out;
}
