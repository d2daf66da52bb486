/**
 * An MCP App (`io.modelcontextprotocol/ui`, SEP-1865): a `roll` tool whose
 * results a host that renders apps shows on a dice board (`ui://dice/board.html`),
 * and a `reset` tool only the board calls. Clients that do not render apps
 * get the same tool with a text answer. Served over Streamable HTTP on
 * http://127.0.0.1:$PORT/mcp (default 8788), or over stdio with `--stdio`.
 *
 * ```sh
 * deno run -A examples/apps/server.ts
 * node examples/apps/server.ts --stdio
 * ```
 *
 * @module
 */
import { appTool, clientRendersApps } from "../../server/apps/mod.ts";
import { McpServer } from "../../server/server.ts";
import { args, getEnv, serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { serveStdio } from "../../transports/stdio/server.ts";
import { DICE_VIEW_HTML } from "./view.ts";

/** The board's URI. */
export const BOARD_URI = "ui://dice/board.html";

/** Builds the dice app server; `random` (default `Math.random`) makes tests deterministic. */
export function createAppsServer(random: () => number = Math.random): McpServer {
  const server = new McpServer({ name: "emcee-dice", version: "1.0.0" }, {
    instructions: "Rolls dice; hosts that render MCP Apps show them on a board.",
    apps: {
      apps: [{
        uri: BOARD_URI,
        name: "board",
        title: "Dice board",
        description: "Shows the dice of the last roll",
        html: DICE_VIEW_HTML,
        csp: {},
        prefersBorder: true,
      }],
    },
  });
  let last: number[] = [];
  server.tool(appTool({
    name: "roll",
    title: "Roll dice",
    description: "Rolls six-sided dice.",
    input: {
      type: "object",
      properties: { count: { type: "integer", minimum: 1, maximum: 10, default: 2 } },
    },
    output: {
      type: "object",
      properties: { rolls: { type: "array", items: { type: "integer" } } },
      required: ["rolls"],
    },
    handler: ({ count = 2 }: { count?: number }, context) => {
      last = Array.from({ length: count }, () => 1 + Math.floor(random() * 6));
      const total = last.reduce((sum, n) => sum + n, 0);
      // A host that renders the board shows the dice; the text is for the model (or a plain client).
      const text = clientRendersApps(context.clientCapabilities)
        ? `Rolled ${count} dice (total ${total}); the board shows them.`
        : `Rolled ${last.join(", ")} (total ${total}).`;
      return { content: [{ type: "text", text }], structuredContent: { rolls: last } };
    },
  }, { resourceUri: BOARD_URI }));
  server.tool(appTool({
    name: "reset",
    description: "Clears the board (called by the board itself).",
    handler: () => {
      last = [];
      return { content: [{ type: "text", text: "cleared" }], structuredContent: { rolls: last } };
    },
  }, { resourceUri: BOARD_URI, visibility: ["app"] }));
  return server;
}

if (import.meta.main) {
  const server = createAppsServer();
  if (args().includes("--stdio")) {
    await serveStdio(server);
  } else {
    const port = Number(getEnv("PORT") ?? "8788");
    const handler = createHttpHandler(server);
    const http = await serveHttp(handler, { port, hostname: "127.0.0.1" });
    console.error(`emcee dice app listening on ${http.url}/mcp`);
  }
}
