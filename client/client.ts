/**
 * `McpClient`: one client for both protocol eras and every transport. It
 * detects the era of a server it does not know (probe with `server/discover`,
 * fall back to `initialize`, and over HTTP further to HTTP+SSE), remembers it
 * per server, and gives the same API either way: listing, calls, reads,
 * prompts, completion, subscriptions, and the server's requests for input
 * (elicitation, sampling, roots) whether they come as legacy server-to-client
 * requests or as modern `InputRequiredResult` rounds.
 *
 * The class is the public face; each concept (connecting, negotiation,
 * requests, round trips, lists, tools, tasks, subscriptions) lives in its own
 * module and works on the client's shared state.
 *
 * @module
 */
import type { JsonObject, JsonRpcNotification } from "../protocol/jsonrpc.ts";
import type { DetailedTask } from "../protocol/tasks.ts";
import type { SkillEntry } from "../protocol/skills.ts";
import type { Transport } from "../protocol/transport.ts";
import type {
  CallToolResult,
  ClientCapabilities,
  CompleteResult,
  ContentBlock,
  DiscoverResult,
  GetPromptResult,
  Implementation,
  InputResponses,
  LoggingLevel,
  Page,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  ServerCapabilities,
  SubscriptionFilter,
  Tool,
} from "../protocol/types.ts";
import { declaredCapabilities } from "./capabilities.ts";
import { close, connect } from "./connect.ts";
import { listAll, listPage } from "./list_cache.ts";
import { discover } from "./negotiation.ts";
import type {
  CallOptions,
  ClientOptions,
  ConnectTarget,
  InvokeOptions,
  ListOptions,
  Subscription,
} from "./options.ts";
import { invoke } from "./invoke.ts";
import { ping } from "./ping.ts";
import { request } from "./request.ts";
import { requestWithInput } from "./round_trips.ts";
import { type ClientState, createClientState, sendRaw } from "./state.ts";
import { subscribe } from "./subscriptions.ts";
import * as skills from "./skills.ts";
import { driveTask } from "./task_driver.ts";
import {
  callTool,
  callToolContent,
  callToolStructured,
  listTools,
  listToolsPage,
  paramHeaders,
} from "./tools.ts";

/**
 * An MCP client for servers of either era.
 *
 * @example
 * ```ts
 * import { McpClient } from "./client.ts";
 * const client = new McpClient({ name: "my-app", version: "1.0.0" }, {
 *   handlers: { elicit: () => ({ action: "decline" }) },
 * });
 * await client.connect("http://127.0.0.1:3000/mcp");
 * const tools = await client.listTools();
 * const value = await client.invoke(tools[0].name, {});
 * await client.close();
 * ```
 */
export class McpClient {
  /** The client's identity. */
  readonly info: Implementation;
  /** The options it was built with. */
  readonly options: ClientOptions;
  #state: ClientState;

  /** Creates a client; call {@link McpClient.connect} next. */
  constructor(info: Implementation, options: ClientOptions = {}) {
    this.info = info;
    this.options = options;
    this.#state = createClientState(info, options);
  }

  // ---- state ---------------------------------------------------------------

  /** "modern" or "legacy", once connected. */
  get era(): "modern" | "legacy" | undefined {
    return this.#state.era;
  }

  /** The protocol version in use. */
  get protocolVersion(): string | undefined {
    return this.#state.version;
  }

  /** The server's identity, when it told. */
  get serverInfo(): Implementation | undefined {
    return this.#state.serverInfo;
  }

  /** The server's capabilities. */
  get serverCapabilities(): ServerCapabilities {
    return this.#state.serverCapabilities;
  }

  /** The server's instructions for the model. */
  get instructions(): string | undefined {
    return this.#state.instructions;
  }

  /** The transport in use. */
  get transport(): Transport | undefined {
    return this.#state.transport;
  }

  /** The capabilities this client declares (derived from its handlers). */
  capabilities(): ClientCapabilities {
    return declaredCapabilities(this.options);
  }

  // ---- connection ----------------------------------------------------------

  /**
   * Connects to a server: a URL (Streamable HTTP, falling back to HTTP+SSE), a
   * command to spawn (stdio), or a ready transport. Detects the era unless it
   * is cached.
   */
  connect(target: ConnectTarget): Promise<void> {
    return connect(this.#state, target);
  }

  /** Closes the connection; pending calls fail with a connection-closed error. */
  close(): Promise<void> {
    return close(this.#state);
  }

  // ---- discovery and lists -------------------------------------------------

  /** The server's `server/discover` result (legacy servers: what `initialize` told). */
  discover(options: ListOptions = {}): Promise<DiscoverResult> {
    return discover(this.#state, options);
  }

  /** One page of tools. Tools with an invalid `x-mcp-header` marking are dropped with a warning. */
  listToolsPage(cursor?: string, options: ListOptions = {}): Promise<Page<Tool>> {
    return listToolsPage(this.#state, cursor, options);
  }

  /** Every tool, following cursors. */
  listTools(options: ListOptions = {}): Promise<Tool[]> {
    return listTools(this.#state, options);
  }

  /** One page of resources. */
  async listResourcesPage(cursor?: string, options: ListOptions = {}): Promise<Page<Resource>> {
    const page = await listPage(this.#state, "resources/list", "resources", cursor, options);
    return page as unknown as Page<Resource>;
  }

  /** Every resource, following cursors. */
  listResources(options: ListOptions = {}): Promise<Resource[]> {
    return listAll((cursor) => this.listResourcesPage(cursor, options));
  }

  /** One page of resource templates. */
  async listResourceTemplatesPage(
    cursor?: string,
    options: ListOptions = {},
  ): Promise<Page<ResourceTemplate>> {
    const method = "resources/templates/list";
    const page = await listPage(this.#state, method, "resourceTemplates", cursor, options);
    return page as unknown as Page<ResourceTemplate>;
  }

  /** Every resource template, following cursors. */
  listResourceTemplates(options: ListOptions = {}): Promise<ResourceTemplate[]> {
    return listAll((cursor) => this.listResourceTemplatesPage(cursor, options));
  }

  /** One page of prompts. */
  async listPromptsPage(cursor?: string, options: ListOptions = {}): Promise<Page<Prompt>> {
    const page = await listPage(this.#state, "prompts/list", "prompts", cursor, options);
    return page as unknown as Page<Prompt>;
  }

  /** Every prompt, following cursors. */
  listPrompts(options: ListOptions = {}): Promise<Prompt[]> {
    return listAll((cursor) => this.listPromptsPage(cursor, options));
  }

  // ---- tools, resources, prompts -------------------------------------------

  /**
   * Calls a tool and returns its value: the one obvious way to use a tool.
   * The value is its `structuredContent` (checked against the tool's output
   * schema, and unwrapped from `{ "result": value }` when that schema is the
   * wrapper servers put around a value that is not an object), else the text
   * of its content (text blocks joined with newlines; `undefined` for no
   * content). A tool that failed (`isError: true`) throws {@link ToolError}
   * carrying the raw result. `{ structured: true }` requires structured
   * output; `{ content: true }` returns the content list for a model
   * (`resultToContent`) instead. `T` is what the caller expects; it is not
   * checked, the output schema is. A tool not listed yet is learned from
   * `tools/list` once, for its output schema.
   *
   * @example
   * ```ts
   * import { McpClient } from "./client.ts";
   * declare const client: McpClient;
   * const sum = await client.invoke<number>("add", { a: 1, b: 2 }); // 3
   * const forecast = await client.invoke<string>("forecast", { city: "Oslo" }); // "Sunny in Oslo"
   * const forModel = await client.invoke("chart", {}, { content: true }); // ContentBlock[]
   * ```
   */
  invoke(
    name: string,
    args: JsonObject | undefined,
    options: InvokeOptions & { content: true },
  ): Promise<ContentBlock[]>;
  /** Calls a tool and returns its value (see the overload above). */
  invoke<T = unknown>(name: string, args?: JsonObject, options?: InvokeOptions): Promise<T>;
  invoke(name: string, args: JsonObject = {}, options: InvokeOptions = {}): Promise<unknown> {
    return invoke(this.#state, name, args, options);
  }

  /** Calls a tool and returns the full result, `isError` included. */
  callTool(
    name: string,
    args: JsonObject = {},
    options: CallOptions = {},
  ): Promise<CallToolResult> {
    return callTool(this.#state, name, args, options);
  }

  /**
   * Calls a tool and returns its `structuredContent` as sent (never unwrapped),
   * checked against the tool's output schema. Throws {@link ToolError} when the
   * tool failed. {@link McpClient.invoke} with `{ structured: true }` is the
   * usual way.
   */
  callToolStructured(
    name: string,
    args: JsonObject = {},
    options: CallOptions = {},
  ): Promise<unknown> {
    return callToolStructured(this.#state, name, args, options);
  }

  /**
   * Calls a tool and returns content blocks for a model: `content` plus
   * `structuredContent` as JSON text. Throws {@link ToolError} when the tool
   * failed. The same as {@link McpClient.invoke} with `{ content: true }`.
   */
  callToolContent(
    name: string,
    args: JsonObject = {},
    options: CallOptions = {},
  ): Promise<ContentBlock[]> {
    return callToolContent(this.#state, name, args, options);
  }

  // ---- tasks (io.modelcontextprotocol/tasks) --------------------------------

  /**
   * Follows a task to its end and returns the result of the request it stands
   * for: polls `tasks/get` at the server's `pollIntervalMs`, answers
   * `input_required` rounds with the client's handlers through `tasks/update`,
   * and sends `tasks/cancel` when `options.signal` aborts. Takes a task handle
   * (`resultType: "task"`) or a task id kept from earlier (e.g. after a restart).
   *
   * @example
   * ```ts
   * import { McpClient } from "./client.ts";
   * const client = new McpClient({ name: "app", version: "1" }, { tasks: true });
   * await client.connect("http://127.0.0.1:3000/mcp");
   * let taskId: string | undefined;
   * const result = await client.callTool("build", {}, { onTask: (task) => (taskId = task.taskId) });
   * // ...or, in a later process:
   * if (taskId !== undefined) await client.awaitTask(taskId);
   * ```
   */
  awaitTask(
    task: string | DetailedTask | JsonObject,
    options: CallOptions = {},
  ): Promise<JsonObject> {
    return driveTask(this.#state, task, options);
  }

  /** `tasks/get`: the task's current state, with its result, error or input requests. */
  async getTask(taskId: string, options: CallOptions = {}): Promise<DetailedTask> {
    const task = await request(this.#state, "tasks/get", { taskId }, options);
    return task as unknown as DetailedTask;
  }

  /** `tasks/update`: answers some of an `input_required` task's requests, by key. */
  async updateTask(
    taskId: string,
    inputResponses: InputResponses,
    options: CallOptions = {},
  ): Promise<void> {
    await request(this.#state, "tasks/update", { taskId, inputResponses }, options);
  }

  /** `tasks/cancel`: asks the server to stop a task (cooperative; acknowledged only). */
  async cancelTask(taskId: string, options: CallOptions = {}): Promise<void> {
    await request(this.#state, "tasks/cancel", { taskId }, options);
  }

  /** Reads a resource. */
  async readResource(uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
    const result = await requestWithInput(this.#state, "resources/read", { uri }, options);
    return result as unknown as ReadResourceResult;
  }

  /**
   * `skills/list` (skills extension, SEP-2640): every skill entry, all pages.
   * Reads no skill file; load one with {@link McpClient.loadSkill} when needed.
   */
  listSkills(options: CallOptions = {}): Promise<SkillEntry[]> {
    return skills.listSkills(this, options);
  }

  /** `skills/get`: one skill's entry, by the URI of its SKILL.md. */
  getSkill(uri: string, options: CallOptions = {}): Promise<SkillEntry> {
    return skills.getSkill(this, uri, options);
  }

  /**
   * Reads a skill's SKILL.md and verifies its size, digest and frontmatter
   * against the entry; throws a `SkillVerificationError` on any mismatch.
   */
  loadSkill(entry: SkillEntry, options: CallOptions = {}): Promise<skills.LoadedSkill> {
    return skills.loadSkill(this, entry, options);
  }

  /** Reads one file of a skill, verified against the entry's size and digest. */
  readSkillFile(
    entry: SkillEntry,
    uri: string,
    options: CallOptions = {},
  ): Promise<skills.SkillFileContent> {
    return skills.readSkillFile(this, entry, uri, options);
  }

  /** Renders a prompt. */
  async getPrompt(
    name: string,
    args: { [name: string]: string } = {},
    options: CallOptions = {},
  ): Promise<GetPromptResult> {
    const params = { name, arguments: args };
    const result = await requestWithInput(this.#state, "prompts/get", params, options);
    return result as unknown as GetPromptResult;
  }

  /** Asks for completions of a prompt or resource-template argument. */
  async complete(
    ref: { type: "ref/prompt"; name: string } | { type: "ref/resource"; uri: string },
    argument: { name: string; value: string },
    context?: { arguments: { [name: string]: string } },
    options: CallOptions = {},
  ): Promise<CompleteResult> {
    const params: JsonObject = { ref, argument };
    if (context) params.context = context;
    const result = await request(this.#state, "completion/complete", params, options);
    return result as unknown as CompleteResult;
  }

  /** Sets the server's log level: `logging/setLevel` (legacy) or per-request `_meta` (modern). */
  async setLogLevel(level: LoggingLevel, options: CallOptions = {}): Promise<void> {
    const state = this.#state;
    state.logLevel = level;
    if (state.era === "legacy") await request(state, "logging/setLevel", { level }, options);
  }

  /**
   * Checks that the server is alive and answering: `ping` in the legacy era;
   * in 2026-07-28, which has no `ping` (servers answer -32601), a
   * `server/discover` round trip (never served from the cache).
   */
  ping(options: CallOptions = {}): Promise<void> {
    return ping(this.#state, options);
  }

  /** Sends any request in the current era (with `_meta` when modern) and returns the raw result. */
  request(method: string, params?: JsonObject, options: CallOptions = {}): Promise<JsonObject> {
    // A raw tools/call (e.g. forwarded by a proxy) carries the same Mcp-Param-* headers as callTool.
    const headers = method === "tools/call" && typeof params?.name === "string"
      ? paramHeaders(this.#state, params.name, (params.arguments ?? {}) as JsonObject)
      : undefined;
    return request(this.#state, method, params, headers ? { ...options, headers } : options);
  }

  /** Tells a legacy server the roots changed. */
  async notifyRootsChanged(): Promise<void> {
    if (this.#state.era === "legacy") {
      await sendRaw(this.#state, { jsonrpc: "2.0", method: "notifications/roots/list_changed" });
    }
  }

  // ---- subscriptions -------------------------------------------------------

  /**
   * Subscribes to list changes and resource updates with one API for both eras:
   * `subscriptions/listen` (modern) or `resources/subscribe` plus the
   * session's notifications (legacy). Resolves once the server acknowledged.
   *
   * @example
   * ```ts
   * import { McpClient } from "./client.ts";
   * declare const client: McpClient;
   * const unsubscribe = await client.subscribe(
   *   { toolsListChanged: true, resourceSubscriptions: ["file:///a.txt"] },
   *   (notification) => console.log(notification.method),
   * );
   * await unsubscribe();
   * ```
   */
  subscribe(
    filter: SubscriptionFilter,
    onNotification: (notification: JsonRpcNotification) => void,
    options: { timeoutMs?: number } = {},
  ): Promise<Subscription> {
    return subscribe(this.#state, filter, onNotification, options.timeoutMs);
  }
}

/**
 * Creates a client and connects it in one step.
 *
 * @example
 * ```ts
 * import { connectClient } from "./client.ts";
 * const client = await connectClient({ command: "node", args: ["server.js"] }, { name: "app", version: "1" });
 * console.log(client.era, await client.listTools());
 * await client.close();
 * ```
 */
export async function connectClient(
  target: ConnectTarget,
  info: Implementation,
  options: ClientOptions = {},
): Promise<McpClient> {
  const client = new McpClient(info, options);
  try {
    await client.connect(target);
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  return client;
}
