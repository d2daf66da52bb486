/**
 * Profiles the emcee client's HTTP round trips: `node --cpu-prof bench/client/profile_http.ts
 * [calls] [legacy]` runs tools/call "echo" against the benchmark server and prints the rate.
 *
 * @module
 */
import { McpClient } from "../../client/mod.ts";
import { args, cpuUsage, spawnProcess } from "../../runtime/mod.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const CALLS = Number(args()[0] ?? 20_000);
const child = spawnProcess(`${ROOT}node_modules/.bin/node`, [
  `${ROOT}tests/client/fixtures/emcee_server.ts`,
  "http",
], { stderr: "inherit" });
const reader = child.stdout.getReader();
let text = "";
while (!text.includes("\n")) {
  const { value, done } = await reader.read();
  if (done) throw new Error("server exited early");
  text += new TextDecoder().decode(value);
}
const url = /LISTENING (\S+)/.exec(text)![1];
const era = args()[1] === "legacy" ? "legacy" : undefined;
const client = new McpClient({ name: "profile", version: "1" }, { eraCache: false, era });
await client.connect(url);
const cpuBefore = cpuUsage();
const started = performance.now();
for (let i = 0; i < CALLS; i++) await client.callTool("echo", { text: "hello" });
const seconds = (performance.now() - started) / 1000;
const cpuAfter = cpuUsage();
const cpuPerCall = (cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system) / CALLS;
console.log(
  `${CALLS} calls in ${seconds.toFixed(2)} s: ${(CALLS / seconds).toFixed(0)} calls/s, ${
    cpuPerCall.toFixed(0)
  } µs CPU per call`,
);
await client.close();
const writer = child.stdin.getWriter();
await writer.close();
await child.exited;
