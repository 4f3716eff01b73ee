/**
 * Bounded text for messages. A diagnostic quotes what it is about, and what it is about may be
 * hostile: a 2 MB resource pattern, a million statements. Quotes are cut to an excerpt and whole
 * messages to a size the CLI and Pulumi Cloud show comfortably.
 */

/** Longest excerpt of an offending value a message quotes. */
export const EXCERPT_CHARS = 200;

/** Longest message a policy reports (the SDK adds the policy's description in front). */
export const MESSAGE_CHARS = 3600;

/** `value` cut to `max` characters, saying how long it was when cut. */
export function excerpt(value: string, max = EXCERPT_CHARS): string {
  if (value.length <= max) {
    return value;
  }
  return `${value.slice(0, max)}... (${value.length.toLocaleString("en-US")} characters)`;
}

/** JSON of a value, cut as `excerpt` cuts; never throws. */
export function jsonExcerpt(value: unknown, max = EXCERPT_CHARS): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return excerpt(text, max);
}

/** `items` joined, listing at most `max` of them and counting the rest. */
export function listSome(items: readonly string[], max = 5, each = 80): string {
  const shown = items.slice(0, max).map((i) => excerpt(i, each));
  const rest = items.length - shown.length;
  return rest > 0 ? `${shown.join(", ")} and ${rest} more` : shown.join(", ");
}

/** A whole message cut to `MESSAGE_CHARS`, keeping its end (the fix) when it has to cut. */
export function boundMessage(message: string, tail = ""): string {
  if (tail.length > MESSAGE_CHARS / 2) {
    tail = excerpt(tail, MESSAGE_CHARS / 2);
  }
  const room = MESSAGE_CHARS - tail.length;
  const head =
    message.length > room ? `${message.slice(0, Math.max(0, room - 40))} ... (cut)` : message;
  return tail ? `${head} ${tail}` : head;
}
