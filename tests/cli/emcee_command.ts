/** `cli/main.ts` with arguments, as a command line on the runtime running the test. */
import { executablePath, fromFileUrl, runtimeName } from "../../runtime/mod.ts";

/** The path of `cli/main.ts`. */
export const MAIN: string = fromFileUrl(new URL("../../cli/main.ts", import.meta.url));

/** `deno run -A cli/main.ts …`, `bun cli/main.ts …` or `node cli/main.ts …`. */
export function emceeCommand(args: readonly string[]): { command: string; args: string[] } {
  const prefix = runtimeName() === "deno" ? ["run", "-A"] : [];
  return { command: executablePath(), args: [...prefix, MAIN, ...args] };
}
