// Bearer JWT verification per request: emcee's jwtVerifier (Web Crypto) vs jose's jwtVerify with
// a local JWKS, for ES256 and RS256 tokens, each signature checked, and emcee's default which
// remembers a token it verified (claims still checked on each use); and what bearerAuth adds to a whole tools/call through
// the Streamable HTTP handler (in process, no socket). Not a test: run it on an idle machine.
// `node bench/auth/bench.ts`, `deno run -A bench/auth/bench.ts`, `bun run bench/auth/bench.ts`.

import * as jose from "jose";
import { bearerAuth } from "../../auth/bearer.ts";
import { jwtVerifier } from "../../auth/jwt.ts";
import { getEnv, runtimeName } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import { createHttpHandler } from "../../transports/http/server.ts";

const ISSUER = "https://auth.bench.example";
const RESOURCE = "http://127.0.0.1:9/mcp";
const durationMs = Number(getEnv("BENCH_MS") ?? "3000");

interface Signed {
  token: string;
  jwks: { keys: (JsonWebKey & { kid: string; alg: string })[] };
}

async function signedToken(alg: "ES256" | "RS256"): Promise<Signed> {
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: `k-${alg}`, alg };
  const token = await new jose.SignJWT({ scope: "mcp", client_id: "bench" })
    .setProtectedHeader({ alg, kid: jwk.kid, typ: "at+jwt" })
    .setIssuer(ISSUER)
    .setSubject("ada")
    .setAudience(RESOURCE)
    .setIssuedAt()
    .setExpirationTime("1h")
    .sign(privateKey);
  return { token, jwks: { keys: [jwk] } };
}

/** Awaited operations per second of `fn`, after a warm-up, in batches of 100. */
async function opsPerSecond(fn: () => Promise<unknown>, ms: number): Promise<number> {
  const warmUntil = performance.now() + ms / 4;
  while (performance.now() < warmUntil) for (let i = 0; i < 100; i++) await fn();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 100; i++) await fn();
    iterations += 100;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (iterations / elapsed) * 1000;
}

function toolsCall(token: string | undefined): Request {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": "tools/call",
    "mcp-name": "add",
  };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return new Request(RESOURCE, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "add",
        arguments: { a: 1, b: 2 },
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {},
          "io.modelcontextprotocol/clientInfo": { name: "bench", version: "1" },
        },
      },
    }),
  });
}

function addServer(): McpServer {
  const server = new McpServer({ name: "bench", version: "1.0.0" });
  server.tool({
    name: "add",
    input: {
      type: "object",
      properties: { a: { type: "number" }, b: { type: "number" } },
      required: ["a", "b"],
    },
    handler: ({ a, b }: { a: number; b: number }) => a + b,
  });
  return server;
}

const contenders: [string, () => Promise<unknown>][] = [];
for (const alg of ["ES256", "RS256"] as const) {
  const { token, jwks } = await signedToken(alg);
  const emcee = jwtVerifier({ jwks, issuer: ISSUER, audience: RESOURCE, verifiedCacheSize: 0 });
  const remembering = jwtVerifier({ jwks, issuer: ISSUER, audience: RESOURCE });
  const joseKeys = jose.createLocalJWKSet(jwks);
  const joseVerify = () => jose.jwtVerify(token, joseKeys, { issuer: ISSUER, audience: RESOURCE });
  // Both must accept the token before they are timed.
  await emcee(token);
  await joseVerify();
  contenders.push([`emcee jwtVerifier ${alg}`, () => emcee(token)]);
  contenders.push([`emcee ${alg}, token remembered`, () => remembering(token)]);
  contenders.push([`jose jwtVerify ${alg}`, joseVerify]);
}

const { token: esToken, jwks: esJwks } = await signedToken("ES256");
const open = createHttpHandler(addServer());
const protectedHandler = createHttpHandler(addServer(), {
  authenticate: bearerAuth({
    resource: RESOURCE,
    verify: jwtVerifier({ jwks: esJwks, issuer: ISSUER, audience: RESOURCE, verifiedCacheSize: 0 }),
  }),
});
for (const [handler, token] of [[open, undefined], [protectedHandler, esToken]] as const) {
  const response = await handler(toolsCall(token));
  const text = await response.text();
  if (response.status !== 200 || !text.includes('"3"')) {
    throw new Error(`tools/call answered ${response.status}: ${text}`);
  }
}
const call = (handler: typeof open, token?: string) => async () => {
  await (await handler(toolsCall(token))).text();
};
contenders.push(["tools/call, no auth", call(open)]);
contenders.push(["tools/call, bearer ES256", call(protectedHandler, esToken)]);
const rememberingHandler = createHttpHandler(addServer(), {
  authenticate: bearerAuth({
    resource: RESOURCE,
    verify: jwtVerifier({ jwks: esJwks, issuer: ISSUER, audience: RESOURCE }),
  }),
});
contenders.push(["tools/call, bearer remembered", call(rememberingHandler, esToken)]);

// Interleaved rounds, best of each: other processes add noise, never speed.
const rounds = 6;
const best: Record<string, number> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, fn] of contenders) {
    best[name] = Math.max(best[name] ?? 0, await opsPerSecond(fn, durationMs / rounds));
  }
}

console.log(
  `\nBearer JWT verification on ${runtimeName()} (ops/s, higher is better; best of ${rounds} rounds)`,
);
for (const [name] of contenders) {
  console.log(`${name.padEnd(30)}${Math.round(best[name]).toLocaleString("en-US").padStart(12)}`);
}
for (const alg of ["ES256", "RS256"]) {
  const ratio = best[`emcee jwtVerifier ${alg}`] / best[`jose jwtVerify ${alg}`];
  console.log(`emcee vs jose ${alg}: ${ratio.toFixed(2)}x`);
}
const plain = best["tools/call, no auth"];
for (const name of ["tools/call, bearer ES256", "tools/call, bearer remembered"]) {
  const authed = best[name];
  console.log(
    `${name.slice(12)} adds ${(1e6 / authed - 1e6 / plain).toFixed(1)} µs to a tools/call ` +
      `(${Math.round(plain)} → ${Math.round(authed)} calls/s)`,
  );
}
console.log(
  "(every signature checked: verifiedCacheSize 0; remembered: the default, same token again)",
);
