/**
 * Opening a URL in the user's browser, for sign-in flows: `xdg-open` on
 * Linux and the BSDs, `open` on macOS, and on Windows
 * `rundll32 url.dll,FileProtocolHandler`. The URL is always one argument of
 * a spawned program, never part of a shell command line: `cmd /c start`
 * would re-read `&`, `^` and `%` in it (an authorization URL has `&`s).
 *
 * @module
 */
import { spawnProcess } from "./runtime.ts";
import type { CommandLine } from "./script_command.ts";

export type { CommandLine } from "./script_command.ts";

/** Which desktop's way of opening URLs: `open`, `rundll32`, or `xdg-open`. */
export type DesktopPlatform = "macos" | "windows" | "other";

interface PlatformGlobals {
  Deno?: { build?: { os?: string } };
  process?: { platform?: string };
}

/** The desktop platform this process runs on. */
function currentPlatform(): DesktopPlatform {
  const host = globalThis as PlatformGlobals;
  const os = host.Deno?.build?.os ?? host.process?.platform;
  if (os === "darwin") return "macos";
  if (os === "windows" || os === "win32") return "windows";
  return "other";
}

/** The URL as opened: only `http:` and `https:`, so a hostile document cannot launch a file. */
function openableUrl(url: URL | string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`Only http and https URLs are opened in a browser, not ${parsed.protocol}`);
  }
  return parsed.href;
}

/**
 * The command that opens `url` in the browser on `platform` (default this
 * one's). Throws a `TypeError` for a URL that is not `http:` or `https:`.
 *
 * @example
 * ```ts
 * import { browserCommand } from "./open_url.ts";
 * browserCommand("https://auth.example.com/authorize?a=1&b=2", "windows");
 * // { command: "rundll32", args: ["url.dll,FileProtocolHandler", "https://auth.example.com/authorize?a=1&b=2"] }
 * ```
 */
export function browserCommand(
  url: URL | string,
  platform: DesktopPlatform = currentPlatform(),
): CommandLine {
  const href = openableUrl(url);
  if (platform === "macos") return { command: "open", args: [href] };
  if (platform === "windows") {
    return { command: "rundll32", args: ["url.dll,FileProtocolHandler", href] };
  }
  return { command: "xdg-open", args: [href] };
}

/**
 * Opens `url` in the user's browser ({@link browserCommand}); resolves true
 * when the opener exited successfully, false when it failed or is missing
 * (a server without a desktop). Throws a `TypeError` for a URL that is not
 * `http:` or `https:`.
 *
 * @example
 * ```ts
 * import { openUrl } from "./open_url.ts";
 * const url = "https://auth.example.com/authorize";
 * if (!await openUrl(url)) console.error(`Open this URL to sign in: ${url}`);
 * ```
 */
export async function openUrl(url: URL | string): Promise<boolean> {
  const { command, args } = browserCommand(url);
  const child = spawnProcess(command, args, { stderr: "ignore" });
  await child.stdin.close().catch(() => {});
  await child.stdout.cancel().catch(() => {});
  try {
    return (await child.exited).code === 0;
  } catch {
    return false;
  }
}
