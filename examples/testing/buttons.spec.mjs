// Which buttons a user sees, tested in headless Chromium with no authentik: a test issuer from
// kestra-authz/testing signs the ID tokens, and the test answers the provider's discovery and
// JWKS routes itself (Playwright's page.route), as a front end's suite would.
// Run: node --test examples/testing/buttons.spec.mjs (after scripts/build-pkg.sh).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createTestIssuer } from "../../pkg/testing.js";
import { launchChromium, serveRepo } from "../../tests/js/hosts.mjs";

const config = JSON.parse(readFileSync(new URL("./config.json", import.meta.url), "utf8"));
let issuer;
let site;
let browser;

before(async () => {
  issuer = await createTestIssuer({ issuer: config.issuer, clientId: config.clientId, alg: "ES256" });
  site = await serveRepo();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  site?.close();
});

/** The page for a user signed in with `idToken` (as oidc-client-ts keeps it), with the provider stubbed. */
async function visibleButtons(idToken) {
  const page = await browser.newPage();
  try {
    const json = (body) => ({ status: 200, contentType: "application/json", headers: { "access-control-allow-origin": "*" }, body: JSON.stringify(body) });
    await page.route(`${config.issuer}.well-known/openid-configuration`, (route) => route.fulfill(json(issuer.discovery)));
    await page.route(issuer.discovery.jwks_uri, (route) => route.fulfill(json(issuer.jwks)));
    await page.addInitScript(
      ([key, token]) => token && sessionStorage.setItem(key, JSON.stringify({ id_token: token, profile: {} })),
      [`oidc.user:${config.issuer}:${config.clientId}`, idToken],
    );
    await page.goto(`${site.origin}/examples/testing/index.html`);
    await page.waitForSelector("body[data-ready]");
    return await page.$$eval("button:not([hidden])", (buttons) => buttons.map((b) => b.textContent));
  } finally {
    await page.close();
  }
}

test("an editor on company sees every button in company.team", async () => {
  assert.deepEqual(await visibleButtons(await issuer.mint({ email: "alice@example.com" })), ["Open", "Edit", "Delete", "Run"]);
});

test("a viewer sees Open only", async () => {
  assert.deepEqual(await visibleButtons(await issuer.mint({ email: "bob@example.com" })), ["Open"]);
});

test("an expired token, a token of another issuer, or no sign-in shows nothing", async () => {
  assert.deepEqual(await visibleButtons(await issuer.mint({ email: "alice@example.com" }, { expiresIn: -60 })), []);
  const other = await createTestIssuer({ issuer: config.issuer, clientId: config.clientId, alg: "ES256" });
  assert.deepEqual(await visibleButtons(await other.mint({ email: "alice@example.com" })), []);
  assert.deepEqual(await visibleButtons(null), []);
});
