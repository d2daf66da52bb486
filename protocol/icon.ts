/**
 * Icons for tools, resources, prompts and implementations.
 *
 * @module
 */

/** An icon for a tool, resource, prompt or implementation. */
export interface Icon {
  /** An https: or data: URI. */
  src: string;
  /** MIME type override. */
  mimeType?: string;
  /** Sizes such as "48x48" or "any". */
  sizes?: string[];
  /** Background theme the icon is designed for. */
  theme?: "light" | "dark";
}
