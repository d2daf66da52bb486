/**
 * What a browser test loads: the emcee client bundled for the browser by the toolchain's Bun
 * (browsers cannot run the repository's `.ts` files), served with a page that exposes it as
 * `globalThis.emcee`, from its own loopback port so the page's Origin differs from the server's.
 */
import { serveHttp, spawnProcess } from "../../runtime/mod.ts";
import { repoPath } from "../client/helpers.ts";

/** A static server of the page and the bundle. */
export interface PageServer {
  /** The page's URL, `http://127.0.0.1:<port>/`. */
  url: string;
  /** The page's Origin, `http://127.0.0.1:<port>`. */
  origin: string;
  /** The port it listens on. */
  port: number;
  /** Stops serving. */
  close(): Promise<void>;
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>emcee in the browser</title>
<script type="module">
  import * as emcee from "/emcee-client.js";
  globalThis.emcee = emcee;
</script>
`;

/** `client/mod.ts` bundled as one browser ES module by `bun build`, offline. */
export async function bundleClient(): Promise<string> {
  const child = spawnProcess(
    repoPath("node_modules/.bin/bun"),
    ["build", repoPath("client/mod.ts"), "--target=browser", "--format=esm"],
    { stderr: "pipe" },
  );
  void child.stdin.close().catch(() => {});
  const [code, errors, exit] = await Promise.all([
    new Response(child.stdout).text(),
    child.stderr ? new Response(child.stderr).text() : "",
    child.exited,
  ]);
  if (exit.code !== 0 || code === "") {
    throw new Error(`bun build of client/mod.ts failed (${exit.code}):\n${errors}`);
  }
  return code;
}

/** Serves the page at `/` and `bundle` at `/emcee-client.js` on a free 127.0.0.1 port. */
export async function servePage(bundle: string): Promise<PageServer> {
  const http = await serveHttp((request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/") {
      return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    if (pathname === "/emcee-client.js") {
      return new Response(bundle, {
        headers: { "content-type": "text/javascript; charset=utf-8" },
      });
    }
    return new Response("not found", { status: 404 });
  }, { port: 0, hostname: "127.0.0.1" });
  return { url: `${http.url}/`, origin: http.url, port: http.port, close: () => http.close() };
}
