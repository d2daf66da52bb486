// A bench server process for bench/redis: `server_child.ts <memory|redis> [redis-url]`. The `add`
// tool of bench/perf/fixtures.ts, legacy 2025-11-25 sessions on, its state in memory or on Redis
// (`redisStore`). It serves on 127.0.0.1 port 0, prints `{"port":N}` once listening (and its
// Redis store ready), and exits when stdin ends. The control channel uses node:process, which all
// three runtimes provide.

import process from "node:process";
import { McpServer } from "../../server/server.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { redisStore } from "../../store/redis_store.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { ADD_SCHEMA } from "../perf/fixtures.ts";

const [kind = "memory", url = ""] = process.argv.slice(2);
// Caps far above the default (1 000 sessions, 100 per client address): every session of the
// bench comes from 127.0.0.1, and what a held session costs is measured with hundreds.
const sessions = { maxSessions: 1_000_000, maxSessionsPerPrincipal: 1_000_000 };
const store = kind === "redis" ? await redisStore({ url, sessions }) : undefined;
const server = new McpServer({ name: "bench-redis", version: "0.0.0" }, { store });
server.tool({
  name: "add",
  description: "Adds two numbers.",
  input: ADD_SCHEMA,
  handler: ({ a, b }: { a: number; b: number }) => String(a + b),
});
const handler = createHttpHandler(server);
const http = await serveHttp((request) => handler(request), { hostname: "127.0.0.1", port: 0 });
process.stdout.write(JSON.stringify({ port: http.port }) + "\n");
process.stdin.resume();
process.stdin.on("end", async () => {
  await http.close();
  store?.close();
  process.exit(0);
});
