// Schema values quoted in error messages.

/** `value` as short JSON for a message (at most 60 characters). */
export function quote(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return "the given value"; // cyclic or too deeply nested to print
  }
  return text === undefined ? String(value) : text.length > 60 ? text.slice(0, 57) + "..." : text;
}
