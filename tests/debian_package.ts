/**
 * An executable a test needs from Debian's packages (redis-server, chromium): found on PATH or
 * in the usual directories, else installed with apt-get once per process — a fresh machine has
 * neither, and `.ci/run` must need nothing else.
 */
import { environment, fileInfo, getEnv, joinPath, spawnProcess } from "../runtime/mod.ts";

const FOUND = new Map<string, Promise<string>>();

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

async function locate(names: readonly string[]): Promise<string | undefined> {
  const path = (getEnv("PATH") ?? "").split(":").filter((dir) => dir !== "");
  for (const dir of ["/usr/bin", ...path, "/usr/sbin", "/usr/local/bin"]) {
    for (const name of names) {
      const candidate = joinPath(dir, name);
      if ((await fileInfo(candidate))?.isFile) return candidate;
    }
  }
  return undefined;
}

// Another test process may be installing at the same time: wait for dpkg's lock, not fail.
const WAIT_FOR_LOCK = ["-o", "DPkg::Lock::Timeout=600"];

async function aptGet(...args: string[]): Promise<{ code: number | null; output: string }> {
  const attempt = await run("apt-get", [...WAIT_FOR_LOCK, ...args]);
  if (attempt.code === 0 || !attempt.output.includes("dpkg --configure -a")) return attempt;
  // An install cut short (a killed test run) leaves dpkg needing this before anything else.
  await run("dpkg", ["--configure", "-a"]);
  return run("apt-get", [...WAIT_FOR_LOCK, ...args]);
}

async function install(pkg: string, names: readonly string[]): Promise<string> {
  const existing = await locate(names);
  if (existing) return existing;
  let attempt = await aptGet("install", "-y", pkg);
  if (attempt.code !== 0) {
    // A fresh machine has no package lists yet.
    const update = await aptGet("update");
    if (update.code !== 0) throw new Error(`apt-get update failed:\n${update.output}`);
    attempt = await aptGet("install", "-y", pkg);
  }
  const installed = await locate(names);
  if (attempt.code !== 0 || !installed) {
    throw new Error(
      `${names[0]} is missing and apt-get could not install ${pkg}:\n${attempt.output}`,
    );
  }
  return installed;
}

/** The path of one of `names` (tried in order), installing Debian's `pkg` when none is there. */
export function debianExecutable(pkg: string, names: readonly string[]): Promise<string> {
  let found = FOUND.get(pkg);
  if (!found) {
    found = install(pkg, names);
    FOUND.set(pkg, found);
  }
  return found;
}
