/** The most characters of a caller's string that an error message repeats. */
export const MAX_ECHOED_CHARS = 80;

/**
 * A string taken from the caller (an operation, fragment or variable name, an argument value)
 * as an error message may repeat it: at most MAX_ECHOED_CHARS characters, then `…`. Messages
 * never grow with what the caller sends, so an error cannot amplify a request.
 */
export function cutForMessage(text: string): string {
  const chars = Array.from(text.slice(0, MAX_ECHOED_CHARS * 2));
  return chars.length > MAX_ECHOED_CHARS || text.length > MAX_ECHOED_CHARS * 2
    ? `${chars.slice(0, MAX_ECHOED_CHARS).join('')}…`
    : text;
}
