/**
 * The fixture server the official MCP conformance suite calls. Serves every
 * tool, resource and prompt the suite's server scenarios use, in both eras, on
 * http://127.0.0.1:$PORT/mcp (and ws://127.0.0.1:$PORT/mcp). Runs unchanged under `deno run -A`, `bun run`
 * and `node`.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import type { RequestContext } from "../../server/context.ts";
import { McpServer } from "../../server/server.ts";
import { getEnv, serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import type { SharedStore } from "../../server/shared_store.ts";

/** The Redis store at `REDIS_URL`, loaded only when it is set; else `undefined` (memory). */
async function storeFromEnv(): Promise<SharedStore | undefined> {
  const url = getEnv("REDIS_URL");
  if (!url) return undefined;
  const { redisStore } = await import("../../store/redis_store.ts");
  return await redisStore({ url });
}
import { createWebSocketHandler } from "../../transports/websocket/server.ts";
import { conformanceSkills } from "./skills.ts";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value: string) => ({ content: [{ type: "text" as const, text: value }] });
const noArgs = { type: "object", properties: {} };

/**
 * Builds the conformance fixture server; with `store` (e.g. `redisStore`), its state is shared
 * with the other instances on that store.
 */
export function createConformanceServer(store?: SharedStore): McpServer {
  const server = new McpServer(
    { name: "mcp-conformance-test-server", version: "1.0.0" },
    {
      store,
      cache: { ttlMs: 300_000, cacheScope: "public" },
      tasks: { ttlMs: 600_000 },
      skills: { skills: conformanceSkills, directoryRead: true },
    },
  );

  // ---- tools used by both eras (test_simple_text must stay first) ----
  server.tool({
    name: "test_simple_text",
    description: "Tests simple text content response",
    input: noArgs,
    handler: () => text("This is a simple text response for testing."),
  });
  server.tool({
    name: "test_image_content",
    description: "Tests image content response",
    input: noArgs,
    handler: () => ({ content: [{ type: "image", data: PNG, mimeType: "image/png" }] }),
  });
  server.tool({
    name: "test_audio_content",
    description: "Tests audio content response",
    input: noArgs,
    handler: () => ({ content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] }),
  });
  server.tool({
    name: "test_embedded_resource",
    description: "Tests embedded resource content response",
    input: noArgs,
    handler: () => ({
      content: [{
        type: "resource",
        resource: {
          uri: "test://embedded-resource",
          mimeType: "text/plain",
          text: "This is an embedded resource content.",
        },
      }],
    }),
  });
  server.tool({
    name: "test_multiple_content_types",
    description: "Tests response with multiple content types (text, image, resource)",
    input: noArgs,
    handler: () => ({
      content: [
        { type: "text", text: "Multiple content types test:" },
        { type: "image", data: PNG, mimeType: "image/png" },
        {
          type: "resource",
          resource: {
            uri: "test://mixed-content-resource",
            mimeType: "application/json",
            text: '{"test":"data","value":123}',
          },
        },
      ],
    }),
  });
  server.tool({
    name: "test_tool_with_logging",
    description: "Tests tool that emits log messages during execution",
    input: noArgs,
    handler: async (_args, context) => {
      context.log("info", "Tool execution started");
      await sleep(50);
      context.log("info", "Tool processing data");
      await sleep(50);
      context.log("info", "Tool execution completed");
      return text("Tool with logging executed successfully");
    },
  });
  server.tool({
    name: "test_error_handling",
    description: "Tests error response handling",
    input: noArgs,
    handler: () => ({
      isError: true,
      content: [{ type: "text", text: "This tool intentionally returns an error for testing" }],
    }),
  });
  server.tool({
    name: "test_tool_with_progress",
    description: "Tests tool that reports progress notifications",
    input: noArgs,
    handler: async (_args, context) => {
      for (const progress of [0, 50, 100]) {
        context.progress(progress, 100, `Completed step ${progress}/100`);
        await sleep(50);
      }
      return text("Tool with progress completed");
    },
  });
  server.tool({
    name: "test_sampling",
    description: "Tests server-initiated sampling (LLM completion request)",
    input: {
      type: "object",
      properties: { prompt: { type: "string", description: "The prompt to send to the LLM" } },
      required: ["prompt"],
    },
    handler: async (args: { prompt: string }, context) => {
      const reply = await context.sample({
        messages: [{ role: "user", content: { type: "text", text: args.prompt } }],
        maxTokens: 100,
      });
      const content = reply.content as { type?: string; text?: string };
      return text(
        `LLM response: ${content.type === "text" ? content.text : JSON.stringify(reply.content)}`,
      );
    },
  });
  server.tool({
    name: "test_elicitation",
    description: "Tests server-initiated elicitation (user input request)",
    input: {
      type: "object",
      properties: { message: { type: "string", description: "The message to show the user" } },
      required: ["message"],
    },
    handler: async (args: { message: string }, context) => {
      const answer = await context.elicit({
        message: args.message,
        requestedSchema: {
          type: "object",
          properties: {
            username: { type: "string", description: "User's response" },
            email: { type: "string", description: "User's email address" },
          },
          required: ["username", "email"],
        },
      });
      return text(
        `User response: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`,
      );
    },
  });
  server.tool({
    name: "test_elicitation_sep1034_defaults",
    description: "Tests elicitation with default values per SEP-1034",
    input: noArgs,
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Please review and update the form fields with defaults",
        requestedSchema: {
          type: "object",
          properties: {
            name: { type: "string", description: "User name", default: "John Doe" },
            age: { type: "integer", description: "User age", default: 30 },
            score: { type: "number", description: "User score", default: 95.5 },
            status: {
              type: "string",
              description: "User status",
              enum: ["active", "inactive", "pending"],
              default: "active",
            },
            verified: { type: "boolean", description: "Verification status", default: true },
          },
          required: [],
        },
      });
      return text(
        `Elicitation completed: action=${answer.action}, content=${
          JSON.stringify(answer.content ?? {})
        }`,
      );
    },
  });
  server.tool({
    name: "test_elicitation_sep1330_enums",
    description: "Tests elicitation with enum schema improvements per SEP-1330",
    input: noArgs,
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Please select options from the enum fields",
        requestedSchema: {
          type: "object",
          properties: {
            untitledSingle: {
              type: "string",
              description: "Select one option",
              enum: ["option1", "option2", "option3"],
            },
            titledSingle: {
              type: "string",
              description: "Select one option with titles",
              oneOf: [
                { const: "value1", title: "First Option" },
                { const: "value2", title: "Second Option" },
                { const: "value3", title: "Third Option" },
              ],
            },
            legacyEnum: {
              type: "string",
              description: "Select one option (legacy)",
              enum: ["opt1", "opt2", "opt3"],
              enumNames: ["Option One", "Option Two", "Option Three"],
            },
            untitledMulti: {
              type: "array",
              description: "Select multiple options",
              minItems: 1,
              maxItems: 3,
              items: { type: "string", enum: ["option1", "option2", "option3"] },
            },
            titledMulti: {
              type: "array",
              description: "Select multiple options with titles",
              minItems: 1,
              maxItems: 3,
              items: {
                anyOf: [
                  { const: "value1", title: "First Choice" },
                  { const: "value2", title: "Second Choice" },
                  { const: "value3", title: "Third Choice" },
                ],
              },
            },
          },
          required: [],
        },
      });
      return text(
        `Elicitation completed: action=${answer.action}, content=${
          JSON.stringify(answer.content ?? {})
        }`,
      );
    },
  });
  server.tool({
    name: "json_schema_2020_12_tool",
    description: "Tool with JSON Schema 2020-12 features for conformance testing (SEP-1613)",
    input: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      $defs: {
        address: {
          $anchor: "addressDef",
          type: "object",
          properties: { street: { type: "string" }, city: { type: "string" } },
        },
      },
      properties: {
        name: { type: "string" },
        address: { $ref: "#/$defs/address" },
        contactMethod: { type: "string", enum: ["phone", "email"] },
        phone: { type: "string" },
        email: { type: "string" },
      },
      allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
      if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
      then: { required: ["phone"] },
      else: { required: ["email"] },
      additionalProperties: false,
    },
    handler: (args: JsonObject) =>
      text(`JSON Schema 2020-12 tool called with: ${JSON.stringify(args)}`),
  });
  server.tool({
    name: "test_reconnection",
    description: "Tests SSE stream disconnection and client reconnection (SEP-1699)",
    input: noArgs,
    handler: async (_args, context) => {
      // Close the stream so the client resumes with Last-Event-ID and gets the result there.
      context.closeStream();
      await sleep(100);
      return text("Reconnection test completed successfully.");
    },
  });
  server.tool({
    name: "test_custom_header",
    description: "Tests Mcp-Param-* headers mirrored from x-mcp-header parameters (SEP-2243)",
    input: {
      type: "object",
      properties: {
        region: { type: "string", description: "Region to run in", "x-mcp-header": "Region" },
        query: { type: "string", description: "Query text" },
      },
      required: ["region"],
    },
    handler: (args: { region: string; query?: string }) => text(`region=${args.region}`),
  });

  // ---- 2026-07-28 diagnostics ----
  server.tool({
    name: "test_missing_capability",
    description: "Requires the client's sampling capability",
    input: noArgs,
    handler: (_args, context) => {
      if (!context.clientCapabilities.sampling) {
        throw new McpError(
          ErrorCode.MissingRequiredClientCapability,
          "This tool requires the sampling capability",
          { requiredCapabilities: { sampling: {} } },
        );
      }
      return text("The client declared sampling.");
    },
  });
  server.tool({
    name: "test_streaming_elicitation",
    description:
      "Needs user input; asks through an InputRequiredResult, never a request on the stream",
    input: noArgs,
    handler: async (_args, context) => {
      context.progress(0, 1, "asking the user");
      const answer = await context.elicit({
        message: "Please confirm",
        requestedSchema: { type: "object", properties: { ok: { type: "boolean" } } },
      }, { key: "confirm" });
      return text(`confirmed: ${answer.action}`);
    },
  });
  server.tool({
    name: "test_logging_tool",
    description: "Logs only when the request sets a log level",
    input: noArgs,
    handler: (_args, context) => {
      context.log("info", "logging tool ran");
      context.log("error", "logging tool error line");
      return text("Logging tool completed");
    },
  });
  server.tool({
    name: "test_trigger_tool_change",
    description: "Changes the tool list (registers and removes a tool)",
    input: noArgs,
    handler: () => {
      server.tool({ name: "temporary_tool", description: "Temporary", handler: () => "temporary" })
        .remove();
      return text("Tool list changed");
    },
  });
  server.tool({
    name: "test_trigger_prompt_change",
    description: "Changes the prompt list (registers and removes a prompt)",
    input: noArgs,
    handler: () => {
      server.prompt({
        name: "temporary_prompt",
        description: "Temporary",
        get: () => ({ messages: [] }),
      })
        .remove();
      return text("Prompt list changed");
    },
  });

  // ---- multi round-trip requests (2026-07-28) ----
  const askName = (context: RequestContext) =>
    context.elicit({
      message: "What is your name?",
      requestedSchema: {
        type: "object",
        properties: { name: { type: "string" } },
        required: ["name"],
      },
    }, { key: "user_name" });
  const askCapital = (context: RequestContext, key: string) =>
    context.sample({
      messages: [{
        role: "user",
        content: { type: "text", text: "What is the capital of France?" },
      }],
      maxTokens: 100,
    }, { key });

  server.tool({
    name: "test_input_required_result_elicitation",
    description: "MRTR: asks for the user's name",
    input: noArgs,
    handler: async (_args, context) => {
      const answer = await askName(context);
      return text(`Hello, ${String(answer.content?.name ?? "stranger")}!`);
    },
  });
  server.tool({
    name: "test_input_required_result_sampling",
    description: "MRTR: asks the client's model a question",
    input: noArgs,
    handler: async (_args, context) => {
      const reply = await askCapital(context, "capital_of_france");
      return text(`Model said: ${JSON.stringify(reply.content)}`);
    },
  });
  server.tool({
    name: "test_input_required_result_list_roots",
    description: "MRTR: asks for the client's roots",
    input: noArgs,
    handler: async (_args, context) => {
      const { roots } = await context.listRoots({ key: "client_roots" });
      return text(`Roots: ${roots.map((root) => root.uri).join(", ")}`);
    },
  });
  server.tool({
    name: "test_input_required_result_request_state",
    description: "MRTR: carries state across the round trip",
    input: noArgs,
    handler: async (_args, context) => {
      await context.elicit({
        message: "Confirm to continue",
        requestedSchema: { type: "object", properties: { ok: { type: "boolean" } } },
      }, { key: "confirm" });
      return text("state-ok: requestState validated");
    },
  });
  server.tool({
    name: "test_input_required_result_multiple_inputs",
    description: "MRTR: asks for elicitation, sampling and roots at once",
    input: noArgs,
    handler: async (_args, context) => {
      const answers = await context.input({
        user_name: {
          method: "elicitation/create",
          params: {
            message: "What is your name?",
            requestedSchema: {
              type: "object",
              properties: { name: { type: "string" } },
              required: ["name"],
            },
          },
        },
        greeting: {
          method: "sampling/createMessage",
          params: {
            messages: [{ role: "user", content: { type: "text", text: "Say hello" } }],
            maxTokens: 100,
          },
        },
        client_roots: { method: "roots/list", params: {} },
      });
      return text(`Got ${Object.keys(answers).length} answers`);
    },
  });
  server.tool({
    name: "test_input_required_result_multi_round",
    description: "MRTR: asks twice, one question per round",
    input: noArgs,
    handler: async (_args, context) => {
      const name = await askName(context);
      const color = await context.elicit({
        message: "What is your favorite color?",
        requestedSchema: {
          type: "object",
          properties: { color: { type: "string" } },
          required: ["color"],
        },
      }, { key: "favorite_color" });
      return text(`${String(name.content?.name)} likes ${String(color.content?.color)}`);
    },
  });
  server.tool({
    name: "test_input_required_result_tampered_state",
    description: "MRTR: rejects requestState that was modified",
    input: noArgs,
    handler: async (_args, context) => {
      await context.elicit({
        message: "Confirm",
        requestedSchema: { type: "object", properties: { ok: { type: "boolean" } } },
      }, { key: "confirm" });
      return text("state verified");
    },
  });
  server.tool({
    name: "test_input_required_result_capabilities",
    description: "MRTR: asks only for what the client declared",
    input: noArgs,
    handler: async (_args, context) => {
      if (context.clientCapabilities.elicitation) {
        const answer = await askName(context);
        return text(`Hello, ${String(answer.content?.name)}!`);
      }
      if (context.clientCapabilities.sampling) {
        await askCapital(context, "sample_input");
        return text("Sampled");
      }
      return text("No input capabilities declared");
    },
  });

  // ---- resources ----
  server.resource({
    uri: "test://static-text",
    name: "static-text",
    title: "Static Text Resource",
    description: "A static text resource for testing",
    mimeType: "text/plain",
    read: (
      uri,
    ) => [{
      uri,
      mimeType: "text/plain",
      text: "This is the content of the static text resource.",
    }],
  });
  server.resource({
    uri: "test://static-binary",
    name: "static-binary",
    title: "Static Binary Resource",
    description: "A static binary resource (image) for testing",
    mimeType: "image/png",
    read: (uri) => [{ uri, mimeType: "image/png", blob: PNG }],
  });
  server.resource({
    uri: "test://watched-resource",
    name: "watched-resource",
    title: "Watched Resource",
    description: "A resource that can be subscribed to",
    mimeType: "text/plain",
    read: (uri) => [{ uri, mimeType: "text/plain", text: "Watched resource content" }],
  });
  server.resourceTemplate({
    uriTemplate: "test://template/{id}/data",
    name: "template",
    title: "Template Resource",
    description: "A resource template with parameter substitution",
    mimeType: "application/json",
    read: (uri, variables) => [{
      uri,
      mimeType: "application/json",
      text: JSON.stringify({
        id: variables.id,
        templateTest: true,
        data: `Data for ID: ${String(variables.id)}`,
      }),
    }],
  });

  // ---- prompts ----
  server.prompt({
    name: "test_simple_prompt",
    title: "Simple Test Prompt",
    description: "A simple prompt without arguments",
    get: () => ({
      messages: [{
        role: "user",
        content: { type: "text", text: "This is a simple prompt for testing." },
      }],
    }),
  });
  server.prompt({
    name: "test_prompt_with_arguments",
    title: "Prompt With Arguments",
    description: "A prompt with required arguments",
    arguments: [
      { name: "arg1", description: "First test argument", required: true },
      { name: "arg2", description: "Second test argument", required: true },
    ],
    complete: {
      arg1: (value) => ["test", "testValue1", "tested"].filter((v) => v.startsWith(value)),
      arg2: (value) => ["testValue2"].filter((v) => v.startsWith(value)),
    },
    get: (args) => ({
      messages: [{
        role: "user",
        content: {
          type: "text",
          text: `Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'`,
        },
      }],
    }),
  });
  server.prompt({
    name: "test_prompt_with_embedded_resource",
    title: "Prompt With Embedded Resource",
    description: "A prompt that includes an embedded resource",
    arguments: [{
      name: "resourceUri",
      description: "URI of the resource to embed",
      required: true,
    }],
    get: (args) => ({
      messages: [
        {
          role: "user",
          content: {
            type: "resource",
            resource: {
              uri: args.resourceUri,
              mimeType: "text/plain",
              text: "Embedded resource content for testing.",
            },
          },
        },
        {
          role: "user",
          content: { type: "text", text: "Please process the embedded resource above." },
        },
      ],
    }),
  });
  server.prompt({
    name: "test_prompt_with_image",
    title: "Prompt With Image",
    description: "A prompt that includes image content",
    get: () => ({
      messages: [
        { role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
        { role: "user", content: { type: "text", text: "Please analyze the image above." } },
      ],
    }),
  });
  server.prompt({
    name: "test_input_required_result_prompt",
    description: "MRTR: prompt that requires elicitation input",
    get: async (_args, context) => {
      const answer = await context.elicit({
        message: "What context should the prompt use?",
        requestedSchema: {
          type: "object",
          properties: { context: { type: "string" } },
          required: ["context"],
        },
      }, { key: "user_context" });
      return {
        messages: [{
          role: "user",
          content: { type: "text", text: `Use this context: ${String(answer.content?.context)}` },
        }],
      };
    },
  });
  registerTaskTools(server, askName);
  return server;
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

const confirmSchema = {
  type: "object",
  properties: { confirm: { type: "boolean" }, name: { type: "string" } },
} as const;

/** The tools of the tasks extension scenarios (`tasks-*`, 2026-07-28). */
function registerTaskTools(
  server: McpServer,
  askName: (context: RequestContext) => Promise<{ content?: { [key: string]: unknown } }>,
): void {
  server.tool({
    name: "greet",
    description: "Greets synchronously (never a task)",
    input: { type: "object", properties: { name: { type: "string" } } },
    handler: ({ name }: { name?: string }) => `Hello, ${name ?? "World"}!`,
  });
  server.tool({
    name: "slow_compute",
    description: "Sleeps `seconds`, then reports; runs as a task when the client allows",
    input: {
      type: "object",
      properties: { seconds: { type: "number" }, label: { type: "string" } },
    },
    execution: { taskSupport: "optional" },
    handler: async ({ seconds = 0, label = "" }: { seconds?: number; label?: string }, ctx) => {
      await pause(seconds * 1000, ctx.signal);
      return `Computed ${label} in ${seconds}s`;
    },
  });
  server.tool({
    name: "failing_job",
    description: "A task that ends with a tool execution error",
    input: noArgs,
    execution: { taskSupport: "required" },
    handler: async (_args, ctx) => {
      await pause(200, ctx.signal);
      return { content: [{ type: "text", text: "The job failed" }], isError: true };
    },
  });
  server.tool({
    name: "protocol_error_job",
    description: "A task that ends with a JSON-RPC error",
    input: noArgs,
    execution: { taskSupport: "optional" },
    handler: async (_args, ctx) => {
      await pause(100, ctx.signal);
      throw new McpError(ErrorCode.InternalError, "The job crashed");
    },
  });
  server.tool({
    name: "confirm_delete",
    description: "A task that asks for confirmation before deleting a file",
    input: { type: "object", properties: { filename: { type: "string" } } },
    execution: { taskSupport: "optional" },
    handler: async ({ filename = "" }: { filename?: string }, ctx) => {
      const answer = await ctx.elicit({
        message: `Delete ${filename}?`,
        requestedSchema: confirmSchema,
      }, { key: "confirm" });
      const confirmed = answer.action === "accept" && answer.content?.confirm === true;
      return confirmed ? `Deleted ${filename}` : `Kept ${filename}`;
    },
  });
  server.tool({
    name: "multi_input",
    description: "A task that asks for two inputs at once",
    input: noArgs,
    execution: { taskSupport: "optional" },
    handler: async (_args, ctx) => {
      const ask = (message: string) => ({
        method: "elicitation/create" as const,
        params: { message, requestedSchema: confirmSchema },
      });
      const answers = await ctx.input({ first: ask("First?"), second: ask("Second?") });
      const names = [answers.first, answers.second].map((a) =>
        String((a.content as JsonObject | undefined)?.name ?? "")
      );
      return `Got ${names.join(" and ")}`;
    },
  });
  server.tool({
    name: "test_tool_with_task",
    description: "Asks for a name over MRTR, then continues as a task",
    input: noArgs,
    execution: { taskSupport: "required", taskStart: "handler" },
    handler: async (_args, ctx) => {
      const answer = await askName(ctx);
      await ctx.startTask();
      await pause(100, ctx.signal);
      return `Hello, ${String(answer.content?.name ?? "stranger")}!`;
    },
  });
}

if (import.meta.main) {
  const port = Number(getEnv("PORT") ?? "3000");
  // REDIS_URL=redis://127.0.0.1:6379: sessions, events, tasks and MRTR keys shared on Redis.
  const server = createConformanceServer(await storeFromEnv());
  // WebSocket (experimental) and Streamable HTTP on the one URL.
  const handler = createWebSocketHandler(server, { fallback: createHttpHandler(server) });
  const http = await serveHttp(
    (request) =>
      new URL(request.url).pathname === "/mcp"
        ? handler(request)
        : new Response("Not found", { status: 404 }),
    { port, hostname: "127.0.0.1" },
  );
  console.error(`conformance server listening on ${http.url}/mcp`);
}
