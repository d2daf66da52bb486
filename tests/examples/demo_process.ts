/** The demo server (examples/demo/server.ts) as a child on the test's runtime, on a free port. */
import { environment, executablePath, runtimeName, spawnProcess } from "../../runtime/mod.ts";
import { within } from "../async.ts";
import { childLines } from "../child_lines.ts";

const DEMO = new URL("../../examples/demo/server.ts", import.meta.url).pathname;

/** A running demo server. */
export interface Demo {
  /** `http://127.0.0.1:<port>/mcp`. */
  url: string;
  /** Stops it and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts the demo with `flags` and `env` on a free port; resolves once it logs its URL. */
export async function startDemo(flags: string[], env: Record<string, string> = {}): Promise<Demo> {
  const argv = runtimeName() === "deno" ? ["run", "-A", DEMO, ...flags] : [DEMO, ...flags];
  const child = spawnProcess(executablePath(), argv, {
    env: { ...environment(), PORT: "0", ...env },
    stderr: "pipe",
  });
  const stop = async () => {
    child.kill();
    await within(child.exited, 10_000, "the demo server to exit");
  };
  try {
    const [, url] = await childLines(child.stderr!).match(
      /listening on (http:\/\/\S+\/mcp)/,
      "the demo server to listen",
    );
    return { url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
