/**
 * The dice app's UI: one HTML document a host renders in a sandboxed iframe.
 * It speaks the MCP Apps bridge (JSON-RPC over `postMessage` with the host):
 * `ui/initialize`, then it shows each `ui/notifications/tool-result` and asks
 * the host to call `roll` again (`tools/call`) when the button is pressed.
 *
 * @module
 */

/** The dice board's HTML. */
export const DICE_VIEW_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Dice</title>
<style>
  body { font: 16px system-ui, sans-serif; margin: 1rem; }
  #dice { font-size: 2.5rem; letter-spacing: .3rem; min-height: 3rem; }
  button { font: inherit; padding: .3rem .8rem; }
</style>
</head>
<body>
<div id="dice" aria-live="polite">…</div>
<p id="total"></p>
<button id="again" type="button">Roll again</button>
<script>
  const faces = ["", "⚀", "⚁", "⚂", "⚃", "⚄", "⚅"];
  let nextId = 1;
  const pending = new Map();
  const request = (method, params) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    window.parent.postMessage({ jsonrpc: "2.0", id, method, params }, "*");
  });
  const show = (result) => {
    const rolls = result && result.structuredContent && result.structuredContent.rolls;
    if (!Array.isArray(rolls)) return;
    document.getElementById("dice").textContent = rolls.map((n) => faces[n] || n).join(" ");
    document.getElementById("total").textContent = "Total: " + rolls.reduce((a, b) => a + b, 0);
  };
  window.addEventListener("message", (event) => {
    const message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    if (message.id !== undefined && pending.has(message.id)) {
      const { resolve, reject } = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) reject(message.error); else resolve(message.result);
    } else if (message.method === "ui/notifications/tool-result") {
      show(message.params);
    }
  });
  document.getElementById("again").addEventListener("click", async () => {
    show(await request("tools/call", { name: "roll", arguments: { count: 2 } }));
  });
  request("ui/initialize", {
    protocolVersion: "2026-01-26",
    appInfo: { name: "emcee-dice", version: "1.0.0" },
    appCapabilities: {},
  }).then(() => window.parent.postMessage({ jsonrpc: "2.0", method: "ui/notifications/initialized" }, "*"));
</script>
</body>
</html>
`;
