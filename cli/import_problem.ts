/**
 * Turns the error a failed `import()` of a tool file throws into a
 * {@link ToolProblem} located at the line and column of that file, read from
 * where each runtime puts it: Bun's build messages (`errors[i].position`), a
 * `file:line:col` in the message (Deno's syntax errors) or stack (a throw at
 * top level, everywhere), or Node's `path:line` header over a TypeScript
 * syntax error. Node reports no location for a JavaScript syntax error.
 *
 * @module
 */
import type { ToolProblem } from "./tool_files.ts";

interface BunPosition {
  file?: string;
  line?: number;
  column?: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function firstLine(text: string): string {
  return text.split("\n").find((line) => line.trim() !== "")?.trim() ?? text;
}

/** Where in `file` (as a path or its URL) `text` points, if anywhere. */
function locate(
  text: string,
  file: string,
  url: string,
): { line: number; column?: number } | undefined {
  for (const name of [url, file]) {
    const withColumn = new RegExp(`${escapeRegExp(name)}:(\\d+):(\\d+)`).exec(text);
    if (withColumn) return { line: Number(withColumn[1]), column: Number(withColumn[2]) };
  }
  // Node puts `path:line` alone on the first line of a TypeScript syntax error's stack.
  const header = new RegExp(`^(?:${escapeRegExp(file)}|${escapeRegExp(url)}):(\\d+)\\n`).exec(text);
  return header ? { line: Number(header[1]) } : undefined;
}

/**
 * The problem to report for `file` (imported as `url`) whose import threw `error`.
 *
 * @example
 * ```ts
 * import { importProblem } from "./import_problem.ts";
 * const problem = importProblem("/t/a.ts", "file:///t/a.ts", new Error("boom"));
 * console.log(problem.message); // Error: boom
 * ```
 */
export function importProblem(file: string, url: string, error: unknown): ToolProblem {
  // Bun throws a BuildMessage with a position, alone or as the first of an AggregateError.
  const built = (error as { errors?: unknown[] } | undefined)?.errors;
  const first = Array.isArray(built) && built[0] instanceof Object ? built[0] : error;
  const position = (first as { position?: BunPosition } | undefined)?.position;
  if (first instanceof Object && position && typeof position.line === "number") {
    const message = `SyntaxError: ${firstLine(String((first as { message?: unknown }).message))}`;
    return { file, line: position.line, column: position.column, message };
  }
  if (!(error instanceof Error)) return { file, message: `threw ${String(error)}` };
  const lead = firstLine(error.message);
  const message = /^[A-Z]\w*Error\b/.test(lead) ? lead : `${error.name}: ${lead}`;
  const where = locate(error.message, file, url) ?? locate(String(error.stack ?? ""), file, url);
  return where === undefined ? { file, message } : { file, ...where, message };
}
