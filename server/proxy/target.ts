/**
 * What {@link createProxyServer} can put behind a local server: a connected
 * `McpClient` (its owner keeps it), or a URL or a stdio command, for which
 * the proxy connects a client of its own (and closes it when done).
 *
 * @module
 */
import { connectClient, McpClient } from "../../client/client.ts";
import type { ClientHandlers, ClientOptions } from "../../client/options.ts";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { Implementation } from "../../protocol/mod.ts";
import type { StdioServerParameters } from "../../transports/stdio/client.ts";

/**
 * A remote reached through a connected client, a URL (Streamable HTTP, HTTP+SSE
 * or WebSocket, as `connectClient` detects) or a command to spawn over stdio.
 */
export type ProxyTarget = McpClient | string | URL | StdioServerParameters;

/** How the proxy connects a client of its own (for a URL or command target). */
export interface ProxyConnectOptions {
  /** The client's identity towards the remote. Default `emcee-proxy`. */
  clientInfo?: Implementation;
  /**
   * Options of the client. Its `handlers` default to relays for elicitation
   * (form and URL), sampling and roots, so that a legacy remote, which learns
   * the client's capabilities at `initialize`, may ask the local callers for them.
   * `applyElicitationDefaults` defaults to false: answers pass on as the local caller gave them.
   * `tasks` defaults to true: tools a 2026-07-28 remote runs as tasks are forwarded too.
   */
  client?: ClientOptions;
}

/** The client the proxy forwards to, and whether the proxy made it (and so closes it). */
export interface OpenedTarget {
  /** The connected client. */
  readonly client: McpClient;
  /** True when the proxy connected it (a URL or command target). */
  readonly owned: boolean;
}

/** The client identity a proxy's own client uses by default. */
export const PROXY_CLIENT_INFO: Implementation = { name: "emcee-proxy", version: "0.0.0" };

// While the proxy runs it replaces these with handlers that ask the local caller;
// they answer only a request that arrives with no forwarded call to route it to.
const unroutable = (): Promise<never> =>
  Promise.reject(
    new McpError(
      ErrorCode.InternalError,
      "The proxy has no caller to relay this request to (no forwarded call is in flight)",
    ),
  );

/** Handlers declaring every capability the proxy can relay. */
export const RELAY_HANDLERS: Readonly<ClientHandlers> = Object.freeze({
  elicit: unroutable,
  elicitUrl: unroutable,
  sample: unroutable,
  roots: unroutable,
});

/** True for a stdio command target. */
function isCommand(target: ProxyTarget): target is StdioServerParameters {
  return typeof target === "object" && !(target instanceof URL) &&
    !(target instanceof McpClient) && typeof (target as { command?: unknown }).command === "string";
}

/** A connected client for `target`: the given one, or one the proxy connects. */
export async function openTarget(
  target: ProxyTarget,
  options: ProxyConnectOptions,
): Promise<OpenedTarget> {
  if (target instanceof McpClient) return { client: target, owned: false };
  if (typeof target !== "string" && !(target instanceof URL) && !isCommand(target)) {
    throw new TypeError(
      "createProxyServer needs a connected McpClient, a URL or a stdio command ({ command, args, env })",
    );
  }
  const clientOptions: ClientOptions = {
    // A relay passes the local caller's answer on as given: its own client fills defaults, or not.
    applyElicitationDefaults: false,
    // Declared, so tools the remote runs only as tasks can be forwarded (remote_task.ts).
    tasks: true,
    ...options.client,
    handlers: options.client?.handlers ?? { ...RELAY_HANDLERS },
  };
  let client: McpClient;
  try {
    client = await connectClient(target, options.clientInfo ?? PROXY_CLIENT_INFO, clientOptions);
  } catch (error) {
    const where = isCommand(target) ? `command ${target.command}` : String(target);
    throw new Error(`The proxy could not connect to ${where}: ${String(error)}`, { cause: error });
  }
  return { client, owned: true };
}
