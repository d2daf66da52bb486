/**
 * The `Sec-WebSocket-Protocol` entries of the MCP WebSocket transport (SEP-1288): `mcp` names
 * the protocol, `mcp.version.<revision>` carries the protocol version and `mcp.auth.<token>` a
 * bearer token, since a browser cannot set headers on a WebSocket. The server confirms `mcp`.
 *
 * @module
 */

/** The subprotocol the server confirms and every client offers. */
export const MCP_SUBPROTOCOL = "mcp";

const VERSION_PREFIX = "mcp.version.";
const AUTH_PREFIX = "mcp.auth.";

/** What a client's subprotocol list says. */
export interface McpSubprotocolOffer {
  /** Whether `mcp` itself is offered. */
  readonly mcp: boolean;
  /** The revision of `mcp.version.<revision>`, if offered. */
  readonly version?: string;
  /** The token of `mcp.auth.<token>`, if offered. */
  readonly token?: string;
}

/** Reads a client's subprotocols. */
export function readSubprotocols(offered: readonly string[]): McpSubprotocolOffer {
  let version: string | undefined;
  let token: string | undefined;
  for (const entry of offered) {
    if (entry.startsWith(VERSION_PREFIX)) version ??= entry.slice(VERSION_PREFIX.length);
    else if (entry.startsWith(AUTH_PREFIX)) token ??= entry.slice(AUTH_PREFIX.length);
  }
  return { mcp: offered.includes(MCP_SUBPROTOCOL), version, token };
}

/**
 * The subprotocols a client offers: `mcp`, then the version and token entries when given. A
 * token must be made of subprotocol token characters (a JWT or base64url token is).
 */
export function clientSubprotocols(options: { version?: string; token?: string }): string[] {
  const protocols = [MCP_SUBPROTOCOL];
  if (options.version !== undefined) protocols.push(VERSION_PREFIX + options.version);
  if (options.token !== undefined) protocols.push(AUTH_PREFIX + options.token);
  return protocols;
}
