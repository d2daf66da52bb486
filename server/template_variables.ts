/**
 * The variables of an RFC 6570 URI template, read from the template string at
 * the type level (template literal types), so a resource template's reader is
 * typed by what it matches: `"greeting://{name}"` gives `{ name: string }`.
 *
 * What is present after a match follows the matcher (`uri_template.ts`): the
 * first variable of a simple (`{a}`) or reserved (`{+a}`) expression is always
 * there (possibly `""`); the others of a list, every variable of a
 * `#`, `.`, `/`, `;`, `?` or `&` expression, and every exploded (`*`) variable
 * may be missing; exploded variables come back as lists.
 *
 * @module
 */
import type { Flatten } from "../schema/mod.ts";

/**
 * The variables of `Template` as an intersection, one member per variable
 * (see {@link TemplateVariables} for the flattened form). A list expression
 * `{op a,b}` is read as `{op a}{;b}`: only a list's first variable can be
 * required, and only in a simple or `+` expression; `name:3` (a prefix) is a
 * string; `name*` (explode) is an optional list.
 */
export type ParseTemplateVariables<Template extends string, Found = unknown> = Template extends
  `${string}{${infer Body}}${infer Rest}`
  ? Body extends `${infer Head},${infer More}`
    ? ParseTemplateVariables<`{${Head}}{;${More}}${Rest}`, Found>
  : ParseTemplateVariables<
    Rest,
    & Found
    & (Body extends `${"+" | "#" | "." | "/" | ";" | "?" | "&"}${infer Spec}`
      ? Spec extends `${infer Name}*` ? { [K in Name]?: string[] }
      : Body extends `+${string}`
        ? { [K in Spec extends `${infer Name}:${string}` ? Name : Spec]: string }
      : { [K in Spec extends `${infer Name}:${string}` ? Name : Spec]?: string }
      : Body extends `${infer Name}*` ? { [K in Name]?: string[] }
      : { [K in Body extends `${infer Name}:${string}` ? Name : Body]: string })
  >
  : Found;

/**
 * The variables a URI matched against `Template` yields; a template only known
 * as `string` gives any variables.
 *
 * @example
 * ```ts
 * import type { TemplateVariables } from "./template_variables.ts";
 * const file: TemplateVariables<"repo://{owner}/{repo}{/path*}{?ref}"> = {
 *   owner: "emcee",
 *   repo: "mcp",
 *   path: ["src", "mod.ts"], // optional, a list: exploded
 *   ref: "main", // optional: a query parameter
 * };
 * const search: TemplateVariables<"search://{+scope}{?q,lang}"> = { scope: "docs/api" };
 * ```
 */
export type TemplateVariables<Template extends string> = string extends Template
  ? { [name: string]: string | string[] }
  : Flatten<ParseTemplateVariables<Template>>;

/**
 * The variable names of `Template` (e.g. the keys `complete` accepts); any
 * string for a template only known as `string`.
 */
export type TemplateVariableName<Template extends string> = string extends Template ? string
  : keyof ParseTemplateVariables<Template> & string;
