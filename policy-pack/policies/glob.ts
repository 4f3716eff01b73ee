/**
 * IAM-style wildcard matching: `*` matches any run of characters (also none), `?` exactly one.
 * Used for actions (compared lower-cased), resources, condition values and exemption patterns.
 *
 * Every function here runs in time linear in its inputs for patterns without `?` and in
 * O(|text| x |longest segment holding a ?|) otherwise: a pattern is split at its `*`s into
 * segments that are matched left to right, each at its leftmost possible place. Leftmost is
 * always right for globs (a later segment can only gain from an earlier one ending sooner), so
 * nothing is ever retried: `*a*a*a...b` patterns, which make backtracking matchers exponential or
 * quadratic, cost one pass. Policy documents are also capped at S3's 20 KB before they get here.
 */

/** A pattern taken apart at its `*`s. */
interface Split {
  /** Text between stars, in order; the first is the part before the first star. */
  readonly segments: readonly string[];
  /** True when the pattern has no star (then it is one segment that must match exactly). */
  readonly exact: boolean;
}

const splitCache = new Map<string, Split>();

function split(pattern: string): Split {
  let s = splitCache.get(pattern);
  if (!s) {
    const segments = pattern.split("*");
    s = { segments, exact: segments.length === 1 };
    if (splitCache.size > 10_000) {
      splitCache.clear();
    }
    splitCache.set(pattern, s);
  }
  return s;
}

/**
 * Does `segment` (literals and `?`) match `text` at `at`? In `symbolic` mode the text is itself
 * a pattern: its `*` is a symbol only a star can absorb, so a segment character never matches it.
 */
function segmentAt(segment: string, text: string, at: number, symbolic: boolean): boolean {
  if (at + segment.length > text.length) {
    return false;
  }
  for (let i = 0; i < segment.length; i++) {
    const pc = segment.charCodeAt(i);
    const tc = text.charCodeAt(at + i);
    if (pc === QUESTION) {
      if (symbolic && tc === STAR) {
        return false;
      }
    } else if (pc !== tc) {
      return false;
    }
  }
  return true;
}

const STAR = 42;
const QUESTION = 63;

/** Leftmost place at or after `from` where `segment` matches inside text[from, end), or -1. */
function find(segment: string, text: string, from: number, end: number, symbolic: boolean): number {
  if (segment.length === 0) {
    return from;
  }
  if (!segment.includes("?")) {
    // A segment without `?` holds no wildcard at all, so plain search finds exact characters; a
    // `*` or `?` in a symbolic text never equals a literal of the segment.
    const at = text.indexOf(segment, from);
    return at >= 0 && at + segment.length <= end ? at : -1;
  }
  for (let at = from; at + segment.length <= end; at++) {
    if (segmentAt(segment, text, at, symbolic)) {
      return at;
    }
  }
  return -1;
}

function matchSplit(p: Split, text: string, symbolic: boolean): boolean {
  const { segments } = p;
  const first = segments[0];
  if (p.exact) {
    return first.length === text.length && segmentAt(first, text, 0, symbolic);
  }
  const last = segments[segments.length - 1];
  if (first.length + last.length > text.length) {
    return false;
  }
  if (!segmentAt(first, text, 0, symbolic)) {
    return false;
  }
  const end = text.length - last.length;
  if (!segmentAt(last, text, end, symbolic)) {
    return false;
  }
  let at = first.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const found = find(segments[i], text, at, end, symbolic);
    if (found < 0) {
      return false;
    }
    at = found + segments[i].length;
  }
  return true;
}

/** True when `pattern` matches the whole of `text`. */
export function globMatch(pattern: string, text: string): boolean {
  return matchSplit(split(pattern), text, false);
}

/**
 * True when every string matched by `target` is matched by `pattern` (the target's language is a
 * subset of the pattern's); `target` may contain `*` and `?` (as in `arn:aws:s3:::b/*`). A `*` in
 * the target can only be absorbed by a `*` in the pattern, and a `?` by a `?` or a `*`, so
 * `arn:aws:s3:::b/?` does not cover `arn:aws:s3:::b/*`, while `arn:aws:s3:::b*` does.
 *
 * Sound, and deliberately incomplete: whenever it says true, the inclusion holds; a few true
 * inclusions that need a star to be matched by several `?`s (`*?` covers `?*`) come back false,
 * which for every caller means "not accepted" rather than a wrong acceptance.
 */
export function globCovers(pattern: string, target: string): boolean {
  if (pattern === target || pattern === "*") {
    return true;
  }
  return matchSplit(split(pattern), target, true);
}

/**
 * True when `pattern` matches at least one string that starts with `prefix` (the statement
 * touches some object under the prefix). Exact: the part before the pattern's first star must
 * agree with the prefix where both have characters; then either that part is at least as long as
 * the prefix, or a star is reached inside the prefix, which absorbs the rest of it, and the
 * remainder of the pattern is matched by whatever follows.
 */
export function globOverlapsPrefix(pattern: string, prefix: string): boolean {
  const { segments, exact } = split(pattern);
  const first = segments[0];
  const common = Math.min(first.length, prefix.length);
  for (let i = 0; i < common; i++) {
    const pc = first.charCodeAt(i);
    if (pc !== QUESTION && pc !== prefix.charCodeAt(i)) {
      return false;
    }
  }
  return first.length >= prefix.length || !exact;
}

/** Does the pattern contain a wildcard character? */
export function hasWildcard(value: string): boolean {
  return value.includes("*") || value.includes("?");
}
