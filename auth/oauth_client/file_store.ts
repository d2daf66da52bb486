/**
 * A {@link TokenStore} in one JSON file, so a command-line client stays
 * signed in between runs: tokens keyed by issuer and resource, registered
 * clients keyed by issuer, for as many MCP servers as it talks to. The file
 * is owner-only (0600) and replaced atomically on every change.
 *
 * @module
 */
import {
  fileInfo,
  FileNotFoundError,
  makeDirectory,
  parentDirectory,
  readTextFile,
  writeFileAtomic,
} from "../../runtime/mod.ts";
import type { ClientCredentials } from "./client_auth.ts";
import { type FileLockOptions, FileLockTimeoutError, withFileLock } from "./file_lock.ts";
import type { StoredTokens, TokenStore, TokenStoreKey } from "./store.ts";

/** The token file could not be used: unreadable, not JSON, or not a token document. */
export class TokenFileError extends Error {
  /** The file. */
  readonly path: string;

  /** Creates the error. */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TokenFileError";
    this.path = path;
  }
}

/** The document inside the file. */
interface TokenDocument {
  version: 1;
  /** By `issuer + " " + resource`. */
  tokens: { [key: string]: StoredTokens };
  /** By issuer; never with `privateKey`. */
  clients: { [issuer: string]: ClientCredentials };
}

const OWNER_ONLY = 0o600;

/** The last operation on each file, so every store of one path in this process takes turns. */
const queues = new Map<string, Promise<unknown>>();

function isRecord(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isTokens(value: unknown): value is StoredTokens {
  return isRecord(value) && typeof value.accessToken === "string" &&
    (value.tokenType === "Bearer" || value.tokenType === "DPoP") &&
    typeof value.obtainedAt === "number";
}

function isClient(value: unknown): value is ClientCredentials {
  return isRecord(value) && typeof value.clientId === "string";
}

/** Why `value` is not a token document, or `undefined` when it is one. */
function documentProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return "it is not a JSON object";
  if (value.version !== 1) return `its version is ${JSON.stringify(value.version)}, not 1`;
  if (!isRecord(value.tokens)) return "its tokens member is not an object";
  if (!isRecord(value.clients)) return "its clients member is not an object";
  const tokens = value.tokens;
  const badToken = Object.keys(tokens).find((key) => !isTokens(tokens[key]));
  if (badToken !== undefined) return `its tokens entry ${JSON.stringify(badToken)} is malformed`;
  const clients = value.clients;
  const badClient = Object.keys(clients).find((key) => !isClient(clients[key]));
  if (badClient !== undefined) return `its clients entry ${JSON.stringify(badClient)} is malformed`;
  return undefined;
}

function tokenKey(key: TokenStoreKey): string {
  return `${key.issuer} ${key.resource}`;
}

/** Options of {@link fileTokenStore}. */
export interface FileTokenStoreOptions {
  /** Create the file's missing parent directories on the first write. Default true. */
  createDirectory?: boolean;
  /**
   * The lock file (`<path>.lock`) that keeps other processes' changes from
   * interleaving: when one left behind counts as stale, and how long to wait.
   */
  lock?: FileLockOptions;
}

/**
 * A {@link TokenStore} kept in the JSON file at `path`, shared by every MCP
 * server the client talks to. The file is created owner-only (0600) on the
 * first write, and one found with wider permissions is rewritten 0600 when
 * first read. Every change takes the lock file `<path>.lock` (created with
 * `O_EXCL`; one older than `lock.staleMs`, 10 s, is a dead process's and is
 * taken over), re-reads the file, applies the change and replaces the file
 * atomically; changes to one path are also applied one at a time within the
 * process (across every store of that path). So concurrent writes, from this
 * process or others (two CLI runs signing in to different servers), never
 * lose each other's entries; reads take no lock, since the file is only ever
 * replaced whole. `privateKey` is never written.
 *
 * A file that is not a token document (bad JSON, wrong shape) is never
 * dropped silently, since replacing it would lose the other servers'
 * credentials: every read and write rejects with a {@link TokenFileError}
 * naming the path until the file is repaired or deleted (a missing file is
 * an empty store).
 *
 * @example
 * ```ts
 * import { fileTokenStore } from "./file_store.ts";
 * import { OAuthTokenProvider } from "./provider.ts";
 * import { loopbackInteraction } from "./loopback.ts";
 *
 * const auth = new OAuthTokenProvider({
 *   serverUrl: "https://mcp.example.com/mcp",
 *   interaction: await loopbackInteraction(),
 *   clientMetadata: { client_name: "my cli" },
 *   store: fileTokenStore("/home/ada/.config/my-cli/tokens.json"),
 * });
 * ```
 */
export function fileTokenStore(path: string, options: FileTokenStoreOptions = {}): TokenStore {
  let permissionsChecked = false;

  /** Runs `operation` after every earlier one on this path (by any store) has finished. */
  function serialised<T>(operation: () => Promise<T>): Promise<T> {
    const run = (queues.get(path) ?? Promise.resolve()).then(operation, operation);
    queues.set(path, run.catch(() => {}));
    return run;
  }

  /** Runs `change` holding the lock file, so no other process replaces the file meanwhile. */
  async function locked<T>(change: () => Promise<T>): Promise<T> {
    if (options.createDirectory ?? true) await ensureDirectory();
    try {
      return await withFileLock(path, change, options.lock);
    } catch (error) {
      if (error instanceof TokenFileError) throw error;
      const message = error instanceof FileLockTimeoutError
        ? error.message
        : `The token file ${path} cannot be written (its lock file cannot be created)`;
      throw new TokenFileError(path, message, { cause: error });
    }
  }

  async function ensureDirectory(): Promise<void> {
    const directory = parentDirectory(path);
    try {
      if ((await fileInfo(directory)) === undefined) {
        await makeDirectory(directory, { recursive: true });
      }
    } catch (error) {
      throw new TokenFileError(path, `The token file ${path} cannot be written`, { cause: error });
    }
  }

  /** The document, for a read: the first one also narrows wide permissions (under the lock). */
  async function load(): Promise<TokenDocument> {
    const document = await read();
    if (!permissionsChecked) {
      permissionsChecked = true;
      const mode = (await fileInfo(path))?.mode;
      // Someone else may already have read it, but no one reads it from now on.
      if (mode !== undefined && (mode & 0o077) !== 0) {
        return await locked(async () => {
          const current = await read();
          await save(current);
          return current;
        });
      }
    }
    return document;
  }

  async function read(): Promise<TokenDocument> {
    let text: string;
    try {
      text = await readTextFile(path);
    } catch (error) {
      if (error instanceof FileNotFoundError) return { version: 1, tokens: {}, clients: {} };
      throw new TokenFileError(path, `The token file ${path} cannot be read`, { cause: error });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new TokenFileError(
        path,
        `The token file ${path} is not valid JSON; repair it, or delete it to sign in again`,
        { cause: error },
      );
    }
    const problem = documentProblem(value);
    if (problem !== undefined) {
      throw new TokenFileError(
        path,
        `The token file ${path} is not a token document (${problem}); repair it, or delete it to sign in again`,
      );
    }
    return value as TokenDocument;
  }

  async function save(document: TokenDocument): Promise<void> {
    try {
      await writeFileAtomic(path, JSON.stringify(document, null, 2) + "\n", { mode: OWNER_ONLY });
    } catch (error) {
      throw new TokenFileError(path, `The token file ${path} cannot be written`, { cause: error });
    }
  }

  function update(change: (document: TokenDocument) => void): Promise<void> {
    return serialised(() =>
      locked(async () => {
        const document = await read();
        change(document);
        await save(document);
        permissionsChecked = true; // Saved 0600.
      })
    );
  }

  return {
    getTokens: (key) => serialised(async () => (await load()).tokens[tokenKey(key)]),
    setTokens: (key, tokens) =>
      update((document) => void (document.tokens[tokenKey(key)] = { ...tokens })),
    deleteTokens: (key) => update((document) => void delete document.tokens[tokenKey(key)]),
    getClient: (issuer) => serialised(async () => (await load()).clients[issuer]),
    setClient: (issuer, client) =>
      update((document) => {
        const { privateKey: _privateKey, ...persisted } = client;
        document.clients[issuer] = persisted;
      }),
    deleteClient: (issuer) => update((document) => void delete document.clients[issuer]),
  };
}
