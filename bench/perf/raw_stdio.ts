// The raw stdio limit: a line server on the process's stdin/stdout (node:process, which all three
// runtimes provide) that parses each line, adds and writes a result line of emcee's shape — no
// MCP. A benchmark fixture, so it uses the runtime's streams directly.

import process from "node:process";
import { rawAnswer } from "./raw_http.ts";

let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  pending += chunk;
  let out = "";
  let newline: number;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    if (line.trim() !== "") out += rawAnswer(line, true, false) + "\n";
  }
  if (out !== "") process.stdout.write(out);
});
