// A prompt: its declared arguments type the renderer's (`who` is required).
import { prompt } from "../define.ts";

/** Asks the model to greet someone. */
export default prompt({
  name: "greet",
  description: "Greets someone by name",
  arguments: [{ name: "who", required: true }],
  get: ({ who }) => `Write a short, warm greeting for ${who}.`,
});
