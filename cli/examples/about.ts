// A fixed resource: clients read it by its URI.
import { resource } from "../define.ts";

/** What this server is. */
export default resource({
  uri: "emcee://about",
  name: "about",
  mimeType: "text/plain",
  read: () => "The example tools bundled with emcee serve; pass a folder to serve your own.",
});
