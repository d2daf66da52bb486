// A bench server process: `child.ts <emcee|official|floor> [zod|json]`. It serves on 127.0.0.1 port 0,
// prints `{"port":N}` on stdout, then answers each `cpu` line on stdin with its CPU time so far
// (`{"user":µs,"system":µs}`), and closes the server and exits when stdin ends. Spawned by
// bench.ts with the same runtime, so the load generator and the server each get their own core.

import { args, cpuUsage, exitProcess, stdio } from "../../runtime/mod.ts";
import { serveKind, type ServerKind } from "./servers.ts";

const [kindArg = "emcee", schemaArg = "zod"] = args();
const kind: ServerKind = kindArg === "official" || kindArg === "floor" ? kindArg : "emcee";
const http = await serveKind(kind, schemaArg === "json" ? "json" : "zod");
const io = stdio();
const encoder = new TextEncoder();
const say = (value: unknown) => io.write(encoder.encode(JSON.stringify(value) + "\n"));

await say({ port: http.port });
const decoder = new TextDecoder();
let pending = "";
for await (const chunk of io.readable) {
  pending += decoder.decode(chunk, { stream: true });
  let newline: number;
  while ((newline = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, newline).trim();
    pending = pending.slice(newline + 1);
    if (line === "cpu") {
      const { user, system } = cpuUsage();
      await say({ user, system });
    }
  }
}
await http.close();
exitProcess(0);
