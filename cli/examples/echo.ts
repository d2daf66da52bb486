// No import needed: a plain object with `name` and `handler` is a tool.

/** Echoes its text back. */
export default {
  name: "echo",
  description: "Returns the text it is given",
  input: {
    type: "object",
    properties: { text: { type: "string" } },
    required: ["text"],
  },
  handler: ({ text }: { text: string }): string => text,
};
