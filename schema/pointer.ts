// JSON Pointer (RFC 6901) helpers.

/** Escapes one reference token (`~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string | number): string {
  if (typeof token === "number") return String(token);
  const s = token;
  return s.includes("~") || s.includes("/") ? s.replace(/~/g, "~0").replace(/\//g, "~1") : s;
}

/** Joins reference tokens that are already escaped (array indices need no escaping). */
export function joinEscaped(tokens: readonly (string | number)[]): string {
  let out = "";
  for (let i = 0; i < tokens.length; i++) out += "/" + tokens[i];
  return out;
}

/** Splits a JSON Pointer into unescaped tokens, or returns undefined if it is malformed. */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === "") return [];
  if (!pointer.startsWith("/")) return undefined;
  return pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}
