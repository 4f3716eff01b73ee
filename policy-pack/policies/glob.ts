/**
 * IAM-style wildcard matching: `*` matches any run of characters (also none), `?` exactly one.
 * Used for actions (compared lower-cased), resources, condition values and exemption patterns.
 */

/** True when `pattern` matches the whole of `text`. Linear in practice (greedy with one backtrack). */
export function globMatch(pattern: string, text: string): boolean {
  return matchTokens(pattern, text, false);
}

/**
 * True when every string matched by `target` is matched by `pattern`; `target` may contain `*`
 * (as in `arn:aws:s3:::b/*`). A `*` in the target can only be absorbed by a `*` in the pattern,
 * so `arn:aws:s3:::b/?` does not cover `arn:aws:s3:::b/*`, while `arn:aws:s3:::b*` does.
 */
export function globCovers(pattern: string, target: string): boolean {
  if (pattern === target || pattern === "*") {
    return true;
  }
  return matchTokens(pattern, target, true);
}

function matchTokens(pattern: string, text: string, textStarIsWildcard: boolean): boolean {
  let p = 0;
  let t = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    const tc = text[t];
    const tcIsWildcard = textStarIsWildcard && tc === "*";
    if (p < pattern.length && pc !== "*" && (pc === "?" ? !tcIsWildcard : pc === tc)) {
      p++;
      t++;
    } else if (p < pattern.length && pc === "*") {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === "*") {
    p++;
  }
  return p === pattern.length;
}

/**
 * True when `pattern` matches at least one string that starts with `prefix`: the statement
 * touches some object under the prefix. Simulates the pattern's automaton over the prefix; any
 * state still alive at the end can be completed.
 */
export function globOverlapsPrefix(pattern: string, prefix: string): boolean {
  let states = closure(pattern, new Set([0]));
  for (const ch of prefix) {
    const next = new Set<number>();
    for (const s of states) {
      const pc = pattern[s];
      if (pc === "*") {
        next.add(s);
      } else if (pc === "?" || pc === ch) {
        next.add(s + 1);
      }
    }
    states = closure(pattern, next);
    if (states.size === 0) {
      return false;
    }
  }
  return states.size > 0;
}

function closure(pattern: string, states: Set<number>): Set<number> {
  const out = new Set<number>();
  for (const start of states) {
    let s = start;
    out.add(s);
    while (pattern[s] === "*") {
      out.add(++s);
    }
  }
  return out;
}

/** Does the pattern contain a wildcard character? */
export function hasWildcard(value: string): boolean {
  return value.includes("*") || value.includes("?");
}
