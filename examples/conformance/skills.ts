/**
 * The skills the conformance fixture server publishes for the suite's
 * `sep-2640-*` scenarios: one skill with a subdirectory, so directory reads
 * have a subdirectory to descend into and a file to refuse.
 *
 * @module
 */
import type { SkillDefinition } from "../../server/skills/definition.ts";

const SKILL = `---
name: pdf-processing
description: Extract, fill, and assemble PDF documents
license: MIT
metadata:
  author: emcee
---
# PDF processing

Read references/FORMS.md before filling a form, then run scripts/fill.py.
`;

/** The conformance skills. */
export const conformanceSkills: SkillDefinition[] = [{
  path: "pdf-processing",
  files: [
    { path: "SKILL.md", content: SKILL },
    { path: "references/FORMS.md", content: "# Forms\n\nFill every field marked required.\n" },
    { path: "scripts/fill.py", content: "print('filled')\n" },
  ],
}];
