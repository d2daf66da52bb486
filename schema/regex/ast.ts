// The syntax tree of a parsed pattern. Captures and greediness are kept only as far as the
// safety classifier needs them: a JSON Schema `pattern` is only ever tested, never asked for
// its match, so which alternative wins does not change the answer.

import type { CharSet } from "./charset.ts";

/** A zero-width assertion the bounded matcher evaluates between two characters. */
export type AssertionKind = "start" | "end" | "word" | "notWord";

/** One node of a parsed pattern. */
export type RegexNode =
  | { readonly type: "empty" }
  | { readonly type: "char"; readonly set: CharSet }
  | { readonly type: "seq"; readonly items: readonly RegexNode[] }
  | { readonly type: "alt"; readonly options: readonly RegexNode[] }
  | { readonly type: "group"; readonly body: RegexNode }
  | {
    readonly type: "repeat";
    readonly body: RegexNode;
    readonly min: number;
    /** `Infinity` when unbounded. */
    readonly max: number;
    readonly lazy: boolean;
  }
  | { readonly type: "assert"; readonly kind: AssertionKind }
  | {
    readonly type: "look";
    readonly behind: boolean;
    readonly negate: boolean;
    readonly body: RegexNode;
  }
  | { readonly type: "backref"; readonly ref: string };

/** A parsed pattern and the mode it was parsed in. */
export interface ParsedPattern {
  /** The tree. */
  readonly root: RegexNode;
  /** Parsed with the `u` flag (code points); otherwise legacy syntax over UTF-16 code units. */
  readonly unicode: boolean;
  /** Whether the tree contains backreferences or lookaround (beyond the bounded matcher). */
  readonly needsBacktracking: boolean;
}
