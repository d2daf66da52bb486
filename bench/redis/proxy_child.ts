// The round-robin proxy of tests/store/fixtures/round_robin.ts as a bench child, so it runs on
// the runtime under test: `proxy_child.ts <upstream-url>...` serves on 127.0.0.1 port 0, prints
// `{"port":N}` on stdout once listening, and exits when stdin ends.

import process from "node:process";
import { serveRoundRobin } from "../../tests/store/fixtures/round_robin.ts";

const upstreams = process.argv.slice(2).filter((arg) => arg.startsWith("http://"));
const proxy = await serveRoundRobin(upstreams);
process.stdout.write(JSON.stringify({ port: proxy.server.port }) + "\n");
process.stdin.resume();
process.stdin.on("end", async () => {
  await proxy.server.close();
  process.exit(0);
});
