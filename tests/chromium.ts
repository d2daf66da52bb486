/**
 * Debian's Chromium for browser tests, driven by `playwright-core`: found in /usr/bin or on
 * PATH (installed with apt-get when missing, as a fresh machine needs), then launched headless.
 * Playwright's own browser download is never used: only the system package is reachable.
 */
import { type Browser, chromium } from "playwright-core";
import { debianExecutable } from "./debian_package.ts";

/** The path of Debian's `chromium`, installing it once per process when missing. */
export function findChromium(): Promise<string> {
  return debianExecutable("chromium", ["chromium", "chromium-browser"]);
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
