/**
 * The bundled example tools as modules, imported by name so that a compiled
 * single executable (`bun build --compile`) embeds them: inside one there is
 * no `cli/examples/` folder on disk to load from.
 *
 * @module
 */

/** The example files by name, each imported on demand. */
export const BUNDLED_EXAMPLES: Readonly<Record<string, () => Promise<Record<string, unknown>>>> = {
  "about.ts": () => import("./examples/about.ts"),
  "add.ts": () => import("./examples/add.ts"),
  "echo.ts": () => import("./examples/echo.ts"),
  "greet.ts": () => import("./examples/greet.ts"),
};
