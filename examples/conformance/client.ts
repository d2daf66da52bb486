/**
 * The conformance client: `client.ts <url>` connects with `McpClient` (which
 * detects the server's era by itself) and does the work of the scenario named
 * by `MCP_CONFORMANCE_SCENARIO`. Scenario data, when the harness provides it,
 * comes from `MCP_CONFORMANCE_CONTEXT`.
 *
 * Run: `deno run -A examples/conformance/client.ts http://127.0.0.1:3000/mcp`
 * (or `node` / `bun run` with the same arguments).
 *
 * @module
 */
import { McpClient, SkillVerificationError } from "../../client/mod.ts";
import type { ElicitResult, JsonObject, Tool } from "../../protocol/mod.ts";
import { args, exitProcess, getEnv } from "../../runtime/mod.ts";
import { conformanceAuth } from "./auth.ts";

/** Plausible arguments for a tool, from its input schema's required properties. */
function sampleArguments(tool: Tool): JsonObject {
  const schema = tool.inputSchema ?? {};
  const properties = (schema.properties ?? {}) as {
    [name: string]: { type?: unknown; enum?: unknown[] };
  };
  const required = Array.isArray(schema.required) ? schema.required as string[] : [];
  const args: JsonObject = {};
  for (const name of required) {
    const property = properties[name] ?? {};
    if (Array.isArray(property.enum) && property.enum.length > 0) {
      args[name] = property.enum[0];
      continue;
    }
    switch (property.type) {
      case "integer":
      case "number":
        args[name] = 1;
        break;
      case "boolean":
        args[name] = true;
        break;
      case "object":
        args[name] = {};
        break;
      case "array":
        args[name] = [];
        break;
      default:
        args[name] = "test";
    }
  }
  return args;
}

interface ToolCall {
  name: string;
  arguments: JsonObject;
}

function contextToolCalls(): ToolCall[] | undefined {
  const raw = getEnv("MCP_CONFORMANCE_CONTEXT");
  if (!raw) return undefined;
  const context = JSON.parse(raw) as { toolCalls?: ToolCall[] };
  return context.toolCalls;
}

const log = (...parts: unknown[]) => console.error("[conformance-client]", ...parts);

/** Lists and exercises everything the server offers; individual failures are logged, not fatal. */
async function exerciseAll(client: McpClient): Promise<void> {
  const caps = client.serverCapabilities;
  const tools = await client.listTools();
  const planned = contextToolCalls() ??
    tools.map((tool) => ({ name: tool.name, arguments: sampleArguments(tool) }));
  for (const call of planned) {
    try {
      const result = await client.callTool(call.name, call.arguments);
      log(`tools/call ${call.name}:`, JSON.stringify(result.content));
    } catch (error) {
      log(`tools/call ${call.name} failed:`, String(error));
    }
  }
  if (caps.resources) {
    for (const resource of await client.listResources()) {
      await client.readResource(resource.uri).catch((error) =>
        log(`read ${resource.uri}:`, String(error))
      );
    }
  }
  if (caps.prompts) {
    for (const prompt of await client.listPrompts()) {
      const args: { [name: string]: string } = {};
      for (const argument of prompt.arguments ?? []) {
        if (argument.required) args[argument.name] = "test";
      }
      await client.getPrompt(prompt.name, args).catch((error) =>
        log(`prompt ${prompt.name}:`, String(error))
      );
    }
  }
}

/** SEP-2322: echo state, isolate an unrelated call made mid-flow, omit absent state, default resultType. */
async function requestState(client: McpClient, unrelated: { pending: boolean }): Promise<void> {
  await client.listTools();
  unrelated.pending = true;
  await client.callTool("test_mrtr_echo_state", {});
  await client.callTool("test_mrtr_no_state", {});
  const plain = await client.callTool("test_mrtr_no_result_type", {});
  log("no_result_type:", JSON.stringify(plain.content));
}

/** SEP-1613: echo the focal tool's schema exactly as received. */
async function schemaPreservation(client: McpClient): Promise<void> {
  const tools = await client.listTools();
  const focal = tools.find((tool) => tool.name === "json_schema_2020_12_tool");
  if (!focal) throw new Error("json_schema_2020_12_tool is not advertised");
  await client.callTool("json_schema_echo", { schema: focal.inputSchema });
}

/** SEP-2640: load each listed skill, and read its other files only once SKILL.md verified. */
async function loadEverySkill(client: McpClient): Promise<void> {
  for (const entry of await client.listSkills()) {
    try {
      const skill = await client.loadSkill(entry);
      const others = entry.resources === "dynamic" ? [] : entry.resources;
      for (const file of others.filter((file) => file.uri !== entry.uri)) {
        await client.readSkillFile(skill.entry, file.uri);
      }
      log(`skill loaded: ${entry.uri}`);
    } catch (error) {
      if (!(error instanceof SkillVerificationError)) throw error;
      log(`skill refused (${error.problem}): ${error.message}`);
    }
  }
}

async function main(): Promise<number> {
  const url = args().at(-1);
  const scenario = getEnv("MCP_CONFORMANCE_SCENARIO") ?? "";
  if (!url) {
    log("usage: client.ts <server-url>");
    return 2;
  }
  const unrelated = { pending: false };
  const client: McpClient = new McpClient({ name: "emcee-conformance-client", version: "0.1.0" }, {
    eraCache: false,
    handlers: {
      elicit: async (): Promise<ElicitResult> => {
        if (unrelated.pending) {
          unrelated.pending = false;
          await client.callTool("test_mrtr_unrelated", {});
        }
        return scenario === "elicitation-sep1034-client-defaults"
          ? { action: "accept", content: {} }
          : { action: "accept", content: { confirmed: true } };
      },
      sample: () => ({
        role: "assistant",
        content: { type: "text", text: "conformance" },
        model: "emcee-test-model",
        stopReason: "endTurn",
      }),
      roots: () => [{ uri: "file:///tmp", name: "tmp" }],
    },
    onWarning: (message) => log("warning:", message),
    auth: scenario.startsWith("auth/") ? conformanceAuth(scenario, url) : undefined,
  });
  try {
    await client.connect(url);
    log(`connected: era ${client.era}, version ${client.protocolVersion}`);
    switch (scenario) {
      case "sep-2322-client-request-state":
        await requestState(client, unrelated);
        break;
      case "json-schema-2020-12-preservation":
        await schemaPreservation(client);
        break;
      case "json-schema-ref-no-deref":
        await client.listTools();
        break;
      case "sep-2640-client-no-prefetch":
        // A host lists skills up front but reads none of their files until one is loaded.
        log(`skills listed: ${(await client.listSkills()).length}`);
        break;
      case "sep-2640-client-verify-digest":
      case "sep-2640-client-verify-size":
      case "sep-2640-client-verify-frontmatter":
        await loadEverySkill(client);
        break;
      case "request-metadata":
        await client.discover({ fresh: true });
        await client.listTools();
        break;
      default:
        await exerciseAll(client);
    }
    return 0;
  } catch (error) {
    log("failed:", error instanceof Error ? error.stack ?? error.message : String(error));
    return 1;
  } finally {
    await client.close();
  }
}

exitProcess(await main());
