/**
 * Debian's Chromium for browser tests, driven by `playwright-core`: found in /usr/bin or on
 * PATH (installed with apt-get when missing, as a fresh machine needs), then launched headless.
 * Playwright's own browser download is never used: only the system package is reachable.
 */
import { type Browser, chromium } from "playwright-core";
import { environment, fileInfo, getEnv, joinPath, spawnProcess } from "../runtime/mod.ts";

const NAMES = ["chromium", "chromium-browser"];
let found: Promise<string> | undefined;

async function run(
  command: string,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  const child = spawnProcess(command, args, {
    env: { ...environment(), DEBIAN_FRONTEND: "noninteractive" },
    stderr: "pipe",
  });
  void child.stdin.close().catch(() => {});
  const [stdout, stderr, exit] = await Promise.all([
    new Response(child.stdout).text(),
    child.stderr ? new Response(child.stderr).text() : "",
    child.exited,
  ]);
  return { code: exit.code, output: stdout + stderr };
}

async function locate(): Promise<string | undefined> {
  const path = (getEnv("PATH") ?? "").split(":").filter((dir) => dir !== "");
  for (const dir of ["/usr/bin", ...path, "/usr/local/bin"]) {
    for (const name of NAMES) {
      const candidate = joinPath(dir, name);
      if ((await fileInfo(candidate))?.isFile) return candidate;
    }
  }
  return undefined;
}

async function install(): Promise<string> {
  const existing = await locate();
  if (existing) return existing;
  let attempt = await run("apt-get", ["install", "-y", "chromium"]);
  if (attempt.code !== 0) {
    // A fresh machine has no package lists yet.
    const update = await run("apt-get", ["update"]);
    if (update.code !== 0) throw new Error(`apt-get update failed:\n${update.output}`);
    attempt = await run("apt-get", ["install", "-y", "chromium"]);
  }
  const installed = await locate();
  if (attempt.code !== 0 || !installed) {
    throw new Error(`chromium is missing and apt-get could not install it:\n${attempt.output}`);
  }
  return installed;
}

/** The path of Debian's `chromium`, installing it once per process when missing. */
export function findChromium(): Promise<string> {
  found ??= install();
  return found;
}

/**
 * Launches headless Chromium (installing it first when missing). Close it in a `finally`.
 *
 * @example
 * ```ts
 * import { launchChromium } from "./chromium.ts";
 * const browser = await launchChromium();
 * try {
 *   const page = await browser.newPage();
 *   await page.goto("about:blank");
 * } finally {
 *   await browser.close();
 * }
 * ```
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await findChromium();
  return await chromium.launch({
    executablePath,
    headless: true,
    timeout: 30_000,
    // Tests run as root, where Chromium's sandbox refuses to start.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}
