/**
 * Keeps the local server's registrations in step with the remote's lists:
 * each sync lists one of the remote's lists (every page) and swaps what
 * changed — removes what vanished, adds what is new, replaces what differs —
 * so the local server announces the change to its own clients.
 *
 * @module
 */
import type { McpClient } from "../../client/client.ts";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { ListKind, Prompt, Resource, ResourceTemplate, Tool } from "../../protocol/mod.ts";
import type { Registration } from "../definitions.ts";
import type { McpServer } from "../server.ts";
import {
  type CompletionSource,
  proxyPrompt,
  proxyResource,
  proxyTemplate,
  proxyTool,
} from "./definitions.ts";
import type { Forward } from "./forward.ts";

/** One registered mirror of a remote item: what it was made from, and its handle. */
interface Mirrored {
  /** The remote item's JSON, to tell a changed item from the same one. */
  json: string;
  /** Removes the local registration. */
  registration: Registration;
}

/** One remote item and how to register its local stand-in. */
interface Item {
  /** Its key in its list (name, URI or URI template). */
  key: string;
  /** The item as listed. */
  source: unknown;
  /** Registers the stand-in. */
  register(): Registration;
}

/** The registrations of one list of the remote, by key. */
type Section = Map<string, Mirrored>;

/** Swaps one list's registrations to match a listing; synchronous, so callers see either list. */
export type Swap = () => void;

/** What the remote's lists are mirrored into. */
export interface Mirror {
  /**
   * Lists one of `client`'s lists (every page); the registrations change only
   * when the returned swap is run.
   */
  list(client: McpClient, kind: ListKind): Promise<Swap>;
  /** The swap that removes every registration of one list. */
  empty(kind: ListKind): Swap;
  /** Removes every mirrored registration. */
  clear(): void;
  /** Whether the local tool `name` stands for a remote one. */
  hasTool(name: string): boolean;
}

/** Settings of {@link createMirror}. */
export interface MirrorSettings {
  /** Where completion requests go; `undefined` when the remote does not complete. */
  completing: CompletionSource | undefined;
  /** Reports an item that could not be mirrored. */
  warn: (message: string) => void;
}

/** A remote that serves resources but not `resources/templates/list` has no templates. */
function noTemplates(error: unknown): ResourceTemplate[] {
  if (error instanceof McpError && error.code === ErrorCode.MethodNotFound) return [];
  throw error;
}

/** Swaps the registrations of `section` to match `items`. */
function swap(section: Section, items: Item[], warn: (message: string) => void): void {
  const wanted = new Map(items.map((item) => [item.key, item]));
  for (const [key, mirrored] of section) {
    if (!wanted.has(key)) {
      mirrored.registration.remove();
      section.delete(key);
    }
  }
  for (const item of wanted.values()) {
    const json = JSON.stringify(item.source);
    const current = section.get(item.key);
    if (current?.json === json) continue;
    if (current) {
      current.registration.remove();
      section.delete(item.key);
    }
    try {
      section.set(item.key, { json, registration: item.register() });
    } catch (error) {
      warn(`Could not mirror ${item.key}: ${error instanceof Error ? error.message : error}`);
    }
  }
}

/**
 * A mirror into `server` whose stand-ins call `forward` (which picks the
 * remote, so a stand-in outlives a change of client when its item is the same).
 */
export function createMirror(
  server: McpServer,
  forward: Forward,
  settings: MirrorSettings,
): Mirror {
  const { completing, warn } = settings;
  const sections: { [key in "tools" | "resources" | "templates" | "prompts"]: Section } = {
    tools: new Map(),
    resources: new Map(),
    templates: new Map(),
    prompts: new Map(),
  };
  const fresh = { fresh: true };

  const tools = (listed: Tool[]): Swap => () =>
    swap(
      sections.tools,
      listed.map((tool) => ({
        key: tool.name,
        source: tool,
        register: () => server.tool(proxyTool(tool, forward)),
      })),
      warn,
    );
  const prompts = (listed: Prompt[]): Swap => () =>
    swap(
      sections.prompts,
      listed.map((prompt) => ({
        key: prompt.name,
        source: prompt,
        register: () => server.prompt(proxyPrompt(prompt, forward, completing)),
      })),
      warn,
    );
  const resources = (listed: Resource[], templates: ResourceTemplate[]): Swap => () => {
    swap(
      sections.resources,
      listed.map((resource) => ({
        key: resource.uri,
        source: resource,
        register: () => server.resource(proxyResource(resource, forward)),
      })),
      warn,
    );
    swap(
      sections.templates,
      templates.map((template) => ({
        key: template.uriTemplate,
        source: template,
        register: () => server.resourceTemplate(proxyTemplate(template, forward, completing)),
      })),
      warn,
    );
  };

  return {
    async list(client, kind) {
      if (kind === "tools") return tools(await client.listTools(fresh));
      if (kind === "prompts") return prompts(await client.listPrompts(fresh));
      // One notification covers both lists, so both are listed before either is swapped.
      const [listed, templates] = await Promise.all([
        client.listResources(fresh),
        client.listResourceTemplates(fresh).catch(noTemplates),
      ]);
      return resources(listed, templates);
    },
    empty(kind) {
      if (kind === "tools") return tools([]);
      if (kind === "prompts") return prompts([]);
      return resources([], []);
    },
    hasTool: (name) => sections.tools.has(name),
    clear() {
      for (const section of Object.values(sections)) {
        for (const { registration } of section.values()) registration.remove();
        section.clear();
      }
    },
  };
}
