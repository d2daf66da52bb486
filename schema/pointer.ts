// JSON Pointer (RFC 6901) helpers.

/** Escapes one reference token (`~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string | number): string {
  if (typeof token === "number") return String(token);
  const s = token;
  return s.includes("~") || s.includes("/") ? s.replace(/~/g, "~0").replace(/\//g, "~1") : s;
}

/** One pointer step for an object key: `"/"` plus the escaped key. */
export function keyStep(key: string): string {
  return "/" + escapeToken(key);
}

// Steps of small array indices, made on first use: errors inside arrays then cost no
// number-to-string conversion.
const INDEX_STEPS: string[] = [];
const CACHED_INDICES = 1024;

/** One pointer step for an array index: `"/"` plus the index. */
export function indexStep(index: number): string {
  if (index >= CACHED_INDICES) return "/" + index;
  return INDEX_STEPS[index] ?? (INDEX_STEPS[index] = "/" + index);
}

/** Joins pointer steps into a JSON Pointer; `[]` gives `""`. */
export function joinSteps(steps: readonly string[]): string {
  switch (steps.length) {
    case 0:
      return "";
    case 1:
      return steps[0];
    case 2:
      return steps[0] + steps[1];
    default: {
      let out = steps[0] + steps[1];
      for (let i = 2; i < steps.length; i++) out += steps[i];
      return out;
    }
  }
}

/** Splits a JSON Pointer into unescaped tokens, or returns undefined if it is malformed. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}
