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
import type { ListKind, ResourceTemplate } from "../../protocol/mod.ts";
import type { Registration } from "../definitions.ts";
import type { McpServer } from "../server.ts";
import { proxyPrompt, proxyResource, proxyTemplate, proxyTool } from "./definitions.ts";
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

/** What the remote's lists are mirrored into. */
export interface Mirror {
  /** Re-lists one of the remote's lists and swaps what changed. */
  sync(kind: ListKind): Promise<void>;
  /** Removes every mirrored registration. */
  clear(): void;
}

/** Settings of {@link createMirror}. */
export interface MirrorSettings {
  /** Whether completion requests may be forwarded (the remote declared `completions`). */
  completions: boolean;
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

/** A mirror of `client`'s remote into `server`. */
export function createMirror(
  client: McpClient,
  server: McpServer,
  forward: Forward,
  settings: MirrorSettings,
): Mirror {
  const completing = settings.completions ? client : undefined;
  const sections: { [key in "tools" | "resources" | "templates" | "prompts"]: Section } = {
    tools: new Map(),
    resources: new Map(),
    templates: new Map(),
    prompts: new Map(),
  };
  const fresh = { fresh: true };

  async function sync(kind: ListKind): Promise<void> {
    if (kind === "tools") {
      const tools = await client.listTools(fresh);
      swap(
        sections.tools,
        tools.map((tool) => ({
          key: tool.name,
          source: tool,
          register: () => server.tool(proxyTool(tool, forward)),
        })),
        settings.warn,
      );
    } else if (kind === "prompts") {
      const prompts = await client.listPrompts(fresh);
      swap(
        sections.prompts,
        prompts.map((prompt) => ({
          key: prompt.name,
          source: prompt,
          register: () => server.prompt(proxyPrompt(prompt, forward, completing)),
        })),
        settings.warn,
      );
    } else {
      // One notification covers both lists, so both are listed before either is swapped.
      const [resources, templates] = await Promise.all([
        client.listResources(fresh),
        client.listResourceTemplates(fresh).catch(noTemplates),
      ]);
      swap(
        sections.resources,
        resources.map((resource) => ({
          key: resource.uri,
          source: resource,
          register: () => server.resource(proxyResource(resource, forward)),
        })),
        settings.warn,
      );
      swap(
        sections.templates,
        templates.map((template) => ({
          key: template.uriTemplate,
          source: template,
          register: () => server.resourceTemplate(proxyTemplate(template, forward, completing)),
        })),
        settings.warn,
      );
    }
  }

  return {
    sync,
    clear() {
      for (const section of Object.values(sections)) {
        for (const { registration } of section.values()) registration.remove();
        section.clear();
      }
    },
  };
}
