/**
 * One RFC 7638 thumbprint for the resource server (auth/jws.ts), the OAuth
 * client (oauth_client/dpop.ts) and the authorization server's key ids
 * (authorization_server/keys.ts).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { jwkThumbprint } from "../../auth/jws.ts";
import { createDpopKey, jwkThumbprint as clientThumbprint } from "../../auth/oauth_client/dpop.ts";
import { OAuthClientError } from "../../auth/oauth_client/errors.ts";
import { generateSigningKey } from "../../auth/authorization_server/keys.ts";

/** RFC 7638 §3.1's example key and thumbprint. */
const RFC_RSA: JsonWebKey & { kid: string } = {
  kty: "RSA",
  n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
  e: "AQAB",
  alg: "RS256",
  kid: "2011-04-29",
};
const RFC_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

test("the shared thumbprint matches RFC 7638's example and jose, for RSA, EC and OKP", async () => {
  assert.equal(await jwkThumbprint(RFC_RSA), RFC_THUMBPRINT);
  assert.equal(await clientThumbprint(RFC_RSA), RFC_THUMBPRINT);
  const ec = (await createDpopKey()).publicJwk;
  assert.equal(await jwkThumbprint(ec), await jose.calculateJwkThumbprint(ec as jose.JWK));
  const okp = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" };
  assert.equal(await clientThumbprint(okp), await jose.calculateJwkThumbprint(okp));
});

test("the client's DPoP key, the authorization server's kid and the resource server agree", async () => {
  const dpop = await createDpopKey();
  assert.equal(dpop.thumbprint, await jwkThumbprint(dpop.publicJwk));
  const signing = await generateSigningKey();
  assert.equal(signing.kid, await jwkThumbprint(signing.publicJwk));
  assert.equal(signing.kid, await jose.calculateJwkThumbprint(signing.publicJwk as jose.JWK));
});

test("a key without a rule: undefined from the shared function, invalid_key from the client", async () => {
  assert.equal(await jwkThumbprint({ kty: "XYZ" } as JsonWebKey), undefined);
  await assert.rejects(
    clientThumbprint({ kty: "XYZ" } as JsonWebKey),
    (error: unknown) => error instanceof OAuthClientError && error.code === "invalid_key",
  );
});
