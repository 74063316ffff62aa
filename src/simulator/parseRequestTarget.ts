/**
 * The path segments and query of a request target, or why it cannot be read. Origin-form
 * (`/apis/...`) is taken as a path even when it starts with `//` (which `new URL(target, base)`
 * would read as a host); absolute-form (`http://host:port/...`) is parsed as a URL. Segments
 * are percent-decoded and empty ones dropped; a target `new URL()` rejects (bad port, `[::1`)
 * or a bad percent escape (`%`, `%zz`, bytes that are not UTF-8) is an error, never an exception.
 */
export type RequestTarget =
  | { readonly segments: readonly string[]; readonly query: URLSearchParams }
  | { readonly error: string };

export function parseRequestTarget(target: string | undefined): RequestTarget {
  const text = target ?? '/';
  let url: URL;
  try {
    url = text.startsWith('/') ? new URL(`http://simulator${text}`) : new URL(text);
  } catch {
    return { error: 'the request target is not a valid URL' };
  }
  try {
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    return { segments, query: url.searchParams };
  } catch {
    return { error: 'the request path has an invalid percent-encoding' };
  }
}
