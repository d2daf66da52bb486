/**
 * "Did you mean …?" for misspelt names: the closest candidate by edit distance,
 * if it is close enough to be a plausible typo.
 *
 * @module
 */

/**
 * The candidate closest to `input` (case-insensitive Levenshtein distance), or
 * `undefined` when none is within a third of the input's length (at least 1,
 * at most 3 edits, and fewer than the input's length), so that unrelated names
 * are not suggested.
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 * closest("prot", ["port", "host"]); // "port"
 * closest("banana", ["port", "host"]); // undefined
 * ```
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  // A change of every character is no typo ("x" is not a misspelt "h").
  const limit = Math.min(3, Math.max(1, Math.floor(input.length / 3)), input.length - 1);
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, rows[i - 2][j - 2] + 1);
      }
      rows[i].push(value);
    }
  }
  return rows[a.length][b.length];
}
