// A stdio bench server process: `stdio_child.ts <emcee|official|raw>`. emcee and the official SDK
// serve the `add` tool with their own stdio entry; raw is the line server of raw_stdio.ts. Each
// imports only what it serves, so cold start and memory are its own.

const kind = (globalThis as { process?: { argv: string[] } }).process?.argv.at(-1);
if (kind === "raw") {
  await import("./raw_stdio.ts");
} else if (kind === "official") {
  const { officialServer } = await import("./official_fixtures.ts");
  const { serveStdio } = await import("@modelcontextprotocol/server/stdio");
  serveStdio(() => officialServer());
} else {
  const { emceeServer } = await import("./emcee_fixtures.ts");
  const { serveStdio } = await import("../../transports/stdio/server.ts");
  await serveStdio(emceeServer());
}
