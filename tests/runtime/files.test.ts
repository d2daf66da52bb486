import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod, mkdtemp, readdir, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import process from "node:process";
import {
  baseName,
  currentDirectory,
  fileInfo,
  FileNotFoundError,
  FileSystemError,
  getEnv,
  homeDirectory,
  isAbsolutePath,
  joinPath,
  listFilesRecursive,
  makeDirectory,
  parentDirectory,
  pathSeparator,
  readTextFile,
  removeFile,
  resolvePath,
  writeFileAtomic,
  writeTextFile,
} from "../../runtime/mod.ts";
import { pathConventions } from "../../runtime/path.ts";

const posix = pathSeparator === "/";
let root = "";

before(async () => {
  root = await mkdtemp(joinPath(tmpdir(), "emcee-files-"));
});

after(async () => {
  await removeFile(root, { recursive: true, ignoreMissing: true });
});

describe("readTextFile and writeTextFile", () => {
  test("round-trip UTF-8 text and replace the whole contents", async () => {
    const path = joinPath(root, "round-trip.txt");
    await writeTextFile(path, "héllo wörld ✓ 🚀\nsecond line");
    assert.equal(await readTextFile(path), "héllo wörld ✓ 🚀\nsecond line");
    await writeTextFile(path, "short");
    assert.equal(await readTextFile(path), "short");
  });

  test("a missing file is a FileNotFoundError that keeps the runtime's error", async () => {
    const path = joinPath(root, "missing.txt");
    const error = await readTextFile(path).then(() => undefined, (caught) => caught);
    assert.ok(error instanceof FileNotFoundError);
    assert.ok(error instanceof FileSystemError);
    assert.equal(error.code, "ENOENT");
    assert.equal(error.path, path);
    assert.equal(error.operation, "read");
    assert.ok(error.cause instanceof Error);
    assert.match(error.message, /missing\.txt/);
  });

  test("writing under a missing directory is a FileNotFoundError", async () => {
    await assert.rejects(
      writeTextFile(joinPath(root, "no-such-dir", "file.txt"), "x"),
      FileNotFoundError,
    );
  });

  test("mode 0o600 is applied at creation and enforced on an existing file", {
    skip: !posix && "no permission bits on Windows",
  }, async () => {
    const fresh = joinPath(root, "fresh-token");
    await writeTextFile(fresh, "secret", { mode: 0o600 });
    assert.equal((await fileInfo(fresh))?.mode, 0o600);

    const existing = joinPath(root, "existing-token");
    await writeTextFile(existing, "old");
    await chmod(existing, 0o644);
    assert.equal((await fileInfo(existing))?.mode, 0o644);
    await writeTextFile(existing, "new secret", { mode: 0o600 });
    assert.equal((await fileInfo(existing))?.mode, 0o600);
    assert.equal(await readTextFile(existing), "new secret");
  });
});

describe("writeFileAtomic", () => {
  test("creates, then replaces, leaving no temporary file behind", async () => {
    const directory = joinPath(root, "atomic");
    await makeDirectory(directory);
    const path = joinPath(directory, "config.json");
    await writeFileAtomic(path, '{"a":1}');
    assert.equal(await readTextFile(path), '{"a":1}');
    await writeFileAtomic(path, '{"a":2}');
    assert.equal(await readTextFile(path), '{"a":2}');
    assert.deepEqual(await readdir(directory), ["config.json"]);
  });

  test("keeps an existing file's mode, or sets the given one", {
    skip: !posix && "no permission bits on Windows",
  }, async () => {
    const path = joinPath(root, "atomic-mode.json");
    await writeTextFile(path, "{}");
    await chmod(path, 0o640);
    await writeFileAtomic(path, "{}");
    assert.equal((await fileInfo(path))?.mode, 0o640);
    await writeFileAtomic(path, "{}", { mode: 0o600 });
    assert.equal((await fileInfo(path))?.mode, 0o600);
  });

  test("fails with FileNotFoundError when the directory is missing", async () => {
    await assert.rejects(
      writeFileAtomic(joinPath(root, "no-such-dir", "config.json"), "{}"),
      FileNotFoundError,
    );
  });
});

describe("fileInfo", () => {
  test("describes files and directories, and is undefined for missing paths", async () => {
    const path = joinPath(root, "info.txt");
    await writeTextFile(path, "12345");
    const info = await fileInfo(path);
    assert.equal(info?.isFile, true);
    assert.equal(info?.isDirectory, false);
    assert.equal(info?.size, 5);
    assert.equal(typeof info?.modifiedMs, "number");
    assert.ok(Math.abs((info?.modifiedMs ?? 0) - Date.now()) < 60_000);
    if (posix) assert.equal(typeof info?.mode, "number");

    const directory = await fileInfo(root);
    assert.equal(directory?.isDirectory, true);
    assert.equal(directory?.isFile, false);

    assert.equal(await fileInfo(joinPath(root, "nothing-here")), undefined);
    // A file used as a directory is missing too (ENOTDIR).
    assert.equal(await fileInfo(joinPath(path, "child")), undefined);
  });
});

describe("makeDirectory and removeFile", () => {
  test("create nested directories, and report existing and missing paths", async () => {
    const nested = joinPath(root, "made", "deep", "er");
    await makeDirectory(nested, { recursive: true });
    await makeDirectory(nested, { recursive: true }); // existing is fine when recursive
    assert.equal((await fileInfo(nested))?.isDirectory, true);
    const exists = await makeDirectory(nested).then(() => undefined, (caught) => caught);
    assert.ok(exists instanceof FileSystemError);
    assert.equal(exists.code, "EEXIST");

    await writeTextFile(joinPath(nested, "file.txt"), "x");
    await removeFile(joinPath(nested, "file.txt"));
    assert.equal(await fileInfo(joinPath(nested, "file.txt")), undefined);
    await assert.rejects(removeFile(joinPath(nested, "file.txt")), FileNotFoundError);
    await removeFile(joinPath(nested, "file.txt"), { ignoreMissing: true });
    await removeFile(joinPath(root, "made"), { recursive: true });
    assert.equal(await fileInfo(joinPath(root, "made")), undefined);
  });
});

describe("listFilesRecursive", () => {
  test("lists matching files sorted, skipping node_modules and dot-directories", async () => {
    const tools = joinPath(root, "tools");
    const files = {
      "weather.ts": "",
      "README.md": "",
      ".hidden.ts": "",
      "nested/deeper/forecast.js": "",
      "nested/types.d.ts": "",
      "nested/notes.txt": "",
      "node_modules/dep/index.ts": "",
      ".git/hooks/pre-commit.ts": "",
      "nested/.cache/stale.ts": "",
    };
    for (const [relative, text] of Object.entries(files)) {
      const path = joinPath(tools, relative);
      await makeDirectory(parentDirectory(path), { recursive: true });
      await writeTextFile(path, text);
    }
    assert.deepEqual(await listFilesRecursive(tools, { extensions: [".ts", "js"] }), [
      joinPath(tools, ".hidden.ts"),
      joinPath(tools, "nested", "deeper", "forecast.js"),
      joinPath(tools, "nested", "types.d.ts"),
      joinPath(tools, "weather.ts"),
    ]);
    assert.deepEqual(await listFilesRecursive(joinPath(tools, "nested")), [
      joinPath(tools, "nested", "deeper", "forecast.js"),
      joinPath(tools, "nested", "notes.txt"),
      joinPath(tools, "nested", "types.d.ts"),
    ]);
  });

  test("follows symbolic links but not around a loop", {
    skip: !posix && "symbolic links need privileges on Windows",
  }, async () => {
    const linked = joinPath(root, "linked");
    await makeDirectory(joinPath(linked, "real"), { recursive: true });
    await writeTextFile(joinPath(linked, "real", "tool.ts"), "");
    await symlink(joinPath(linked, "real", "tool.ts"), joinPath(linked, "alias.ts"));
    await symlink(linked, joinPath(linked, "real", "loop")); // points back up
    await symlink(joinPath(linked, "gone.ts"), joinPath(linked, "dangling.ts"));
    assert.deepEqual(await listFilesRecursive(linked, { extensions: [".ts"] }), [
      joinPath(linked, "alias.ts"),
      joinPath(linked, "real", "tool.ts"),
    ]);
  });

  test("a missing directory is a FileNotFoundError", async () => {
    await assert.rejects(listFilesRecursive(joinPath(root, "no-tools")), FileNotFoundError);
  });
});

describe("paths and directories", () => {
  test("currentDirectory and homeDirectory match the process", () => {
    assert.equal(currentDirectory(), process.cwd());
    assert.equal(homeDirectory(), getEnv("HOME") ?? getEnv("USERPROFILE"));
  });

  test("join, resolve and split POSIX paths", { skip: !posix && "POSIX paths" }, () => {
    assert.equal(joinPath("tools", "weather", "../index.ts"), "tools/index.ts");
    assert.equal(joinPath("/a//b/", "./c"), "/a/b/c");
    assert.equal(joinPath("a", ".."), ".");
    assert.equal(joinPath("..", "a"), "../a");
    assert.equal(joinPath("/", "..", "a"), "/a");
    assert.equal(resolvePath("x", "y.json"), `${process.cwd()}/x/y.json`);
    assert.equal(resolvePath("/etc", "hosts"), "/etc/hosts");
    assert.equal(resolvePath("ignored", "/abs", "file"), "/abs/file");
    assert.equal(parentDirectory("/home/me/.emcee/token"), "/home/me/.emcee");
    assert.equal(parentDirectory("token"), ".");
    assert.equal(parentDirectory("/"), "/");
    assert.equal(baseName("tools/weather.ts"), "weather.ts");
    assert.equal(baseName("/"), "");
    assert.ok(isAbsolutePath("/etc"));
    assert.ok(!isAbsolutePath("etc"));
  });

  test("join, resolve and split Windows paths on any platform", () => {
    const win = pathConventions(true);
    assert.equal(win.join("C:/Users", "me", "..\\you"), "C:\\Users\\you");
    assert.equal(win.join("tools", "a.ts"), "tools\\a.ts");
    assert.equal(win.join("c:\\", "..", "x"), "C:\\x");
    assert.equal(win.join("\\\\server\\share", "dir", "f.txt"), "\\\\server\\share\\dir\\f.txt");
    assert.ok(win.isAbsolute("C:\\x"));
    assert.ok(win.isAbsolute("\\\\server\\share\\x"));
    assert.ok(win.isAbsolute("\\x"));
    assert.ok(!win.isAbsolute("C:x"));
    assert.ok(!win.isAbsolute("x\\y"));
    assert.equal(win.resolve("C:\\work", "tools", "a.ts"), "C:\\work\\tools\\a.ts");
    assert.equal(win.resolve("C:\\work", "D:\\other", "a.ts"), "D:\\other\\a.ts");
    assert.equal(win.parent("C:\\Users\\me\\token"), "C:\\Users\\me");
    assert.equal(win.parent("C:\\"), "C:\\");
    assert.equal(win.base("C:\\Users\\me\\token"), "token");
    assert.equal(win.base("C:/Users/me/token"), "token");
  });

  test("POSIX conventions on any platform", () => {
    const posixPaths = pathConventions(false);
    assert.equal(posixPaths.join("a\\b", "c"), "a\\b/c"); // a backslash is an ordinary character
    assert.equal(posixPaths.resolve("/work", "../x"), "/x");
    assert.equal(posixPaths.parent(".."), "../..");
  });
});
