// RFC 3986 reference resolution, just enough for `$id`/`$ref`: no normalisation beyond dot segments.

const URI_PARTS = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

interface UriParts {
  scheme: string | undefined;
  authority: string | undefined;
  path: string;
  query: string | undefined;
  fragment: string | undefined;
}

function parseUri(uri: string): UriParts {
  const m = URI_PARTS.exec(uri) as RegExpExecArray;
  return { scheme: m[1], authority: m[2], path: m[3], query: m[4], fragment: m[5] };
}

function removeDotSegments(path: string): string {
  if (!path.includes(".")) return path;
  const input = path.split("/");
  const output: string[] = [];
  for (let i = 0; i < input.length; i++) {
    const segment = input[i];
    const last = i === input.length - 1;
    if (segment === ".") {
      if (last) output.push("");
    } else if (segment === "..") {
      if (output.length > 1 || (output.length === 1 && output[0] !== "")) output.pop();
      if (last) output.push("");
    } else {
      output.push(segment);
    }
  }
  return output.join("/");
}

function mergePaths(base: UriParts, refPath: string): string {
  if (base.authority !== undefined && base.path === "") return "/" + refPath;
  const slash = base.path.lastIndexOf("/");
  return slash < 0 ? refPath : base.path.slice(0, slash + 1) + refPath;
}

function formatUri(p: UriParts): string {
  let out = "";
  if (p.scheme !== undefined) out += p.scheme + ":";
  if (p.authority !== undefined) out += "//" + p.authority;
  out += p.path;
  if (p.query !== undefined) out += "?" + p.query;
  if (p.fragment !== undefined) out += "#" + p.fragment;
  return out;
}

/** Resolves `reference` against the absolute `base` URI (RFC 3986 section 5.2). */
export function resolveUri(base: string, reference: string): string {
  const r = parseUri(reference);
  if (r.scheme !== undefined) return formatUri({ ...r, path: removeDotSegments(r.path) });
  const b = parseUri(base);
  const target: UriParts = {
    scheme: b.scheme,
    authority: b.authority,
    path: b.path,
    query: b.query,
    fragment: r.fragment,
  };
  if (r.authority !== undefined) {
    target.authority = r.authority;
    target.path = removeDotSegments(r.path);
    target.query = r.query;
  } else if (r.path === "") {
    if (r.query !== undefined) target.query = r.query;
  } else {
    target.path = removeDotSegments(r.path.startsWith("/") ? r.path : mergePaths(b, r.path));
    target.query = r.query;
  }
  return formatUri(target);
}

/** Splits a URI into its part before `#` and its (still percent-encoded) fragment. */
export function splitFragment(uri: string): [string, string] {
  const hash = uri.indexOf("#");
  return hash < 0 ? [uri, ""] : [uri.slice(0, hash), uri.slice(hash + 1)];
}
