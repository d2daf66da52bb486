// An HTTP bench server process: `http_child.ts <emcee|official|raw> <stateless|session-json|
// session-sse>`. It serves on 127.0.0.1 port 0, prints `{"port":N}` on stdout, answers each
// `stats` line on stdin with `{"cpuUs":N,"rssMb":N}`, and exits when stdin ends. emcee and the
// official SDK are served by emcee's `serveHttp` (the same HTTP layer); raw uses the runtime's.
// Each kind imports only what it serves, so its memory is its own; the control channel uses
// node:process, which all three runtimes provide.

import process from "node:process";
import type { HttpMode } from "./fixtures.ts";

const [kind = "emcee", modeArg = "stateless"] = process.argv.slice(-2);
const mode = modeArg as HttpMode;

async function start(): Promise<{ port: number; close(): Promise<void> }> {
  if (kind === "raw") return (await import("./raw_http.ts")).serveRaw(mode);
  const { serveHttp } = await import("../../runtime/mod.ts");
  const handler = kind === "official"
    ? await (await import("./official_fixtures.ts")).officialHttp(mode)
    : (await import("./emcee_fixtures.ts")).emceeHttp(mode);
  // SERVE_ENGINE=native measures serveHttp's engine "native" (Deno.serve, Bun.serve) instead.
  const engine = process.env.SERVE_ENGINE === "native" ? "native" : "guarded";
  return serveHttp(handler, { hostname: "127.0.0.1", port: 0, engine });
}

const server = await start();
const say = (value: unknown) => process.stdout.write(JSON.stringify(value) + "\n");
say({ port: server.port });
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  pending += chunk;
  let newline: number;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (line === "stats") {
      const { user, system } = process.cpuUsage();
      say({ cpuUs: user + system, rssMb: process.memoryUsage.rss() / 1048576 });
    }
  }
});
process.stdin.on("end", async () => {
  await server.close();
  process.exit(0);
});
