// A tool typed by its schema: `a` and `b` are numbers in the handler.
import { s } from "../../schema/mod.ts";
import { tool } from "../define.ts";

/** Adds two numbers. */
export default tool({
  name: "add",
  description: "Adds two numbers",
  input: s.object({ a: s.number(), b: s.number() }),
  output: s.number(), // clients receive { result: 5 }; McpClient.invoke unwraps it to 5
  handler: ({ a, b }) => a + b,
});
