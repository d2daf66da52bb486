// Identifiers with a fixed grammar: `uuid`, `json-pointer` and `relative-json-pointer`.

const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** RFC 4122 textual UUID (any version). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const JSON_POINTER = /^(?:\/(?:[^~/]|~[01])*)*$/;
const RELATIVE_JSON_POINTER = /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~[01])*)*)$/;

/** RFC 6901 JSON Pointer. */
export function isJsonPointer(value: string): boolean {
  return JSON_POINTER.test(value);
}

/** Relative JSON Pointer (draft-handrews-relative-json-pointer-01). */
export function isRelativeJsonPointer(value: string): boolean {
  return RELATIVE_JSON_POINTER.test(value);
}
