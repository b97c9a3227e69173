// The front-end build (pkg/lite, `kestra-authz/lite`): no RSA or ECDSA arithmetic of its own
// (the host's WebCrypto checks those signatures, through verifyIdTokenAsync), no audit answers,
// no gateway, the configuration as JSON only. What it does, it must decide as the default
// build does: the token vectors through it in Node and headless Chromium answer as native.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { inChromiumPage, repo, serveRepo } from "./hosts.mjs";
import { canonical, runTokenVectorsAsync } from "./parity-runner.mjs";
// Before the package: it takes its references to crypto.subtle when it loads.
import { forgedRs256, hostChecks as counted, withVerifyStubbedToYes } from "./host-check-counter.mjs";

const tokens = JSON.parse(readFileSync(join(repo, "tests/vectors/tokens.json"), "utf8"));
function nativeTokens() {
  const path = join(repo, "target/parity/native.json");
  assert.ok(existsSync(path), "run `cargo test --test vectors` first");
  return canonical(JSON.parse(readFileSync(path, "utf8")).slice(0, tokens.cases.length));
}
const lite = await import("../../pkg/lite/kestra_authz.js");
lite.initSync({ module: readFileSync(join(repo, "pkg/lite/kestra_authz_bg.wasm")) });

test("Node: the token vectors through the front-end build's verifyIdTokenAsync answer as native, WebCrypto checking every RSA and ECDSA signature", async () => {
  const { lines, hostChecks } = await runTokenVectorsAsync(lite, tokens, counted);
  assert.equal(canonical(lines), nativeTokens());
  // As many host checks as the default web build makes (tests/js/hostcrypto.test.mjs): none
  // fell back, because this build has nothing to fall back to.
  const web = await import("../../pkg/web/kestra_authz.js");
  web.initSync({ module: readFileSync(join(repo, "pkg/web/kestra_authz_bg.wasm")) });
  assert.equal(hostChecks, (await runTokenVectorsAsync(web, tokens, counted)).hostChecks);
  assert.ok(hostChecks >= 50, `${hostChecks}`);
});

test("its synchronous verifyIdToken refuses RSA and ECDSA signatures with a code, and still verifies HS256 and EdDSA", () => {
  const byName = (name) => tokens.cases.find((c) => c.name === name);
  for (const name of ["alg: RS256", "alg: ES256"]) {
    const c = byName(name);
    const authz = new lite.Authorizer(tokens.providers[c.provider]);
    assert.throws(() => authz.verifyIdToken(c.token, c.options), { code: "ERR_JOSE_NOT_SUPPORTED" }, name);
    authz.free();
  }
  for (const name of ["alg: HS256", "alg: EdDSA"]) {
    const c = byName(name);
    assert.ok(c, name);
    const authz = new lite.Authorizer(tokens.providers[c.provider]);
    assert.equal(authz.verifyIdToken(c.token, c.options).subject, c.expect.sub, name);
    authz.free();
  }
});

test("the configuration as JSON text is read strictly: a repeated member, or a number that loses its text where it decides access, is refused", () => {
  const base = { issuer: "https://sso.example.com/application/o/kestra/", clientId: "kestra-client", clientSecret: "0123456789abcdef".repeat(4), jwks: "{}" };
  const repeated = '{"kestra":{"security":{"defaultRole":{"name":"viewer","permissions":{"FLOW":["VIEW"],"FLOW":["VIEW","DELETE"]}}}}}';
  assert.throws(() => new lite.Authorizer({ ...base, kestraConfig: repeated }), { code: "ERR_CONFIG_INVALID" });
  const inexact = '{"kestra":{"security":{"oidc":{"groups-claim-path":1.50}}}}';
  assert.throws(() => new lite.Authorizer({ ...base, kestraConfig: inexact }), (e) => e.code === "ERR_CONFIG_INVALID" && /quote it/.test(e.message));
});

test("crypto.subtle replaced after the package loaded decides nothing", async () => {
  const { c, forged } = forgedRs256(tokens);
  await withVerifyStubbedToYes(async () => {
    const authz = new lite.Authorizer(tokens.providers[c.provider]);
    await assert.rejects(authz.verifyIdTokenAsync(forged, c.options), { code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
    authz.free();
  });
});

test("the configuration as JSON (an object or its text), not YAML; no audit or gateway methods", () => {
  const base = { issuer: "https://sso.example.com/application/o/kestra/", clientId: "kestra-client", clientSecret: "0123456789abcdef".repeat(4), jwks: "{}" };
  const config = { kestra: { security: { defaultRole: { name: "viewer", permissions: { FLOW: ["VIEW"] } } } } };
  assert.equal(new lite.Authorizer({ ...base, kestraConfig: config }).model, "v2");
  assert.equal(new lite.Authorizer({ ...base, kestraConfig: JSON.stringify(config) }).model, "v2");
  assert.throws(() => new lite.Authorizer({ ...base, kestraConfig: "kestra:\n  security: {}\n" }), { code: "ERR_CONFIG_INVALID" });
  const authz = new lite.Authorizer(base);
  for (const method of ["explain", "authorizeHttp", "authorizeAnonymousHttp"]) assert.equal(typeof authz[method], "undefined", method);
  assert.equal(typeof authz.whoCan, "function");
  assert.equal(lite.diffPolicies, undefined);
  assert.equal(lite.kestraRoute, undefined);
});

test("it is the smaller module: printed beside the default's", () => {
  const gz = (path) => execFileSync("gzip", ["-9", "-c", join(repo, path)]).length;
  const [small, full] = [gz("pkg/lite/kestra_authz_bg.wasm"), gz("pkg/web/kestra_authz_bg.wasm")];
  console.log(`front-end build ${small} bytes gzip -9, default ${full}`);
  assert.ok(small < full * 0.6, `${small} / ${full}`);
});

let site;
before(async () => {
  site = await serveRepo();
});
after(() => site?.close());

test("headless Chromium: the token vectors through the front-end build's verifyIdTokenAsync answer as native", async () => {
  const result = await inChromiumPage(site.origin, async () => {
    const counter = await import("/tests/js/host-check-counter.mjs");
    const { default: init, Authorizer } = await import("/pkg/lite/kestra_authz.js");
    const { canonical, runTokenVectorsAsync } = await import("/tests/js/parity-runner.mjs");
    await init();
    const tokens = await fetch("/tests/vectors/tokens.json").then((r) => r.json());
    const { lines, hostChecks } = await runTokenVectorsAsync({ Authorizer }, tokens, counter.hostChecks);
    return { printed: canonical(lines), hostChecks };
  });
  assert.equal(result.printed, nativeTokens());
  assert.ok(result.hostChecks >= 50, `${result.hostChecks}`);
});
