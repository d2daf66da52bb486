// ECMAScript regular expressions as JSON Schema uses them: the `regex` format and the
// compilation of `pattern` and `patternProperties`.

/** Compiles a schema `pattern`: Unicode-aware (`u` flag), falling back to legacy syntax. */
export function compilePattern(source: string): RegExp | undefined {
  try {
    return new RegExp(source, "u");
  } catch {
    try {
      return new RegExp(source);
    } catch {
      return undefined;
    }
  }
}

/** An ECMAScript regular expression (accepted in Unicode mode or, failing that, legacy mode). */
export function isRegex(value: string): boolean {
  return compilePattern(value) !== undefined;
}
