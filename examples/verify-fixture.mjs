// Verifies the real authentik 2025.8.1 ID token bundled under tests/fixtures with the
// Node build of the package, at a pinned clock (iat + 60 s), and prints what was verified.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../pkg/nodejs/kestra_authz.js");
const fixture = (name) =>
  readFileSync(new URL(`../tests/fixtures/authentik-2025.8.1/${name}`, import.meta.url), "utf8");

// Kestra's configuration as the authentik guide writes it, for this provider and client.
const kestraConfig = `
micronaut:
  security:
    oauth2:
      enabled: true
      clients:
        authentik:
          client-id: "kestra-client"
          client-secret: "CLIENT_SECRET"
          openid:
            issuer: "http://127.0.0.1:9000/application/o/kestra/"
`;

const authz = new Authorizer({
  kestraConfig,
  jwks: fixture("kestra.jwks.json"),
  discovery: fixture("kestra.openid-configuration.json"),
});
const token = fixture("tokens/kestra.alice.authcode.1.id_token.jwt").trim();
const iat = 1795885198;
const session = authz.verifyIdToken(token, { now: iat + 60, nonce: "dslAhVZnwQ6O14QDuDMkVA" });

console.log(`verified: ${session.alg} token from ${session.issuer}`);
console.log(`allowed algorithms: ${authz.allowedAlgorithms.join(", ")}`);
console.log("claims:");
console.log(JSON.stringify(session.claims, null, 2));
for (const w of authz.warnings) console.log(`warning ${w.code}: ${w.message}`);
session.free();
authz.free();
