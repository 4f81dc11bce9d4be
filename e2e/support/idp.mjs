// A stand-in Microsoft Entra ID for the browser tests, on loopback: the multi-tenant discovery
// document, the signing keys, an authorize endpoint that signs the user in at once (as for a user
// with a live Microsoft session) and a token endpoint that checks the client secret and PKCE and
// signs an RS256 id_token with the committed test-only key (tests/identity_support/).

import { createHash, createSign } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const keys = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "tests", "identity_support");
const PRIVATE_KEY = readFileSync(join(keys, "test-only-rsa-key-a.pem"), "utf8");
const PUBLIC_JWK = JSON.parse(readFileSync(join(keys, "test-only-rsa-key-a.jwk.json"), "utf8"));

/** The app registration the tests configure Duet with. */
export const CLIENT_ID = "00000000-e2e0-4000-8000-0000000000c1";
export const CLIENT_SECRET = "e2e-client-secret-never-logged";

const base64url = (data) => Buffer.from(data).toString("base64url");

/** Starts the provider for users of Entra tenant `tenant`; `user` is who signs in, until
 * `signInAs(another)` changes who does. */
export async function startIdentityProvider({ tenant, user }) {
  const codes = new Map();
  let current = user;
  let base = "";
  const server = createServer((request, response) => {
    const url = new URL(request.url, base);
    const json = (status, body) => response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    if (url.pathname === "/organizations/v2.0/.well-known/openid-configuration") {
      return json(200, {
        authorization_endpoint: `${base}/organizations/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/organizations/oauth2/v2.0/token`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        issuer: `${base}/{tenantid}/v2.0`,
      });
    }
    if (url.pathname === "/discovery/v2.0/keys") return json(200, { keys: [PUBLIC_JWK] });
    if (url.pathname === "/organizations/oauth2/v2.0/authorize") {
      const code = `code-${codes.size + 1}-${Math.random().toString(36).slice(2)}`;
      const field = (name) => url.searchParams.get(name) ?? "";
      codes.set(code, { nonce: field("nonce"), challenge: field("code_challenge"), redirect: field("redirect_uri") });
      const back = new URL(field("redirect_uri"));
      back.searchParams.set("code", code);
      back.searchParams.set("state", field("state"));
      back.searchParams.set("session_state", "00000000-aaaa-4bbb-8ccc-000000000000");
      return response.writeHead(302, { Location: back.toString() }).end();
    }
    if (url.pathname === "/organizations/oauth2/v2.0/token" && request.method === "POST") {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        const form = new URLSearchParams(body);
        const authorized = codes.get(form.get("code") ?? "");
        codes.delete(form.get("code") ?? "");
        const challenge = createHash("sha256").update(form.get("code_verifier") ?? "").digest("base64url");
        if (form.get("client_secret") !== CLIENT_SECRET || !authorized || challenge !== authorized.challenge) {
          return json(400, { error: "invalid_grant", error_description: "AADSTS70008: bad code, secret or verifier." });
        }
        return json(200, { token_type: "Bearer", expires_in: 3599, id_token: idToken(base, tenant, current, authorized.nonce) });
      });
      return undefined;
    }
    return json(404, { error: "not_found" });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${server.address().port}`;
  const signInAs = (another) => {
    current = another;
  };
  // A browser keeps idle connections open; without closing them, close() waits for them.
  const stop = () => new Promise((done) => {
    server.close(done);
    server.closeAllConnections();
  });
  return { base, signInAs, stop };
}

function idToken(base, tenant, user, nonce) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "RS256", typ: "JWT", kid: PUBLIC_JWK.kid };
  const claims = {
    aud: CLIENT_ID, iss: `${base}/${tenant}/v2.0`, iat: now - 60, nbf: now - 60, exp: now + 3600,
    tid: tenant, oid: user.oid, sub: "pairwise-subject", ver: "2.0", nonce, name: user.name, roles: user.roles,
  };
  const signed = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign("RSA-SHA256").update(signed).sign(PRIVATE_KEY, "base64url");
  return `${signed}.${signature}`;
}
