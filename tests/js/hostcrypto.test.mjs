// The host's crypto must answer exactly as the module does. verifyIdTokenAsync hands RSA and
// ECDSA signatures to WebCrypto (and the Node build's verifyIdToken to node:crypto); here the
// token vectors and Project Wycheproof's signature vectors (written with the native verdicts to
// target/parity/ by `cargo test --test wycheproof`) run through that path in Node, headless
// Chromium, Deno and workerd, and every answer must be the native one. Each host must also
// show that its crypto ran (a count of its verdicts), so a silent fallback cannot pass.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { forgedRs256, hostChecks, withVerifyStubbedToYes } from "./host-check-counter.mjs";
import { fetchOnceFromWorker, inChromiumPage, repo, serveRepo } from "./hosts.mjs";
import { canonical, runSignatureVectors, runTokenVectorsAsync, runVectors } from "./parity-runner.mjs";

const require = createRequire(import.meta.url);
const SUITES = ["rsa-pkcs1", "rsa-pss", "ecdsa"];
const tokens = JSON.parse(readFileSync(join(repo, "tests/vectors/tokens.json"), "utf8"));

function readParity(name) {
  const path = join(repo, "target/parity", name);
  assert.ok(existsSync(path), `run \`cargo test --test vectors --test wycheproof\` first: it writes ${path}`);
  return readFileSync(path, "utf8");
}
const suites = () => Object.fromEntries(SUITES.map((s) => [s, JSON.parse(readParity(`wycheproof-${s}.json`))]));
/** The native answers to the token vectors: the first lines of target/parity/native.json. */
const nativeTokens = () => canonical(JSON.parse(readParity("native.json")).slice(0, tokens.cases.length));

/** Signature vectors that reach a host: every one not refused before the arithmetic. */
function assertSignatures(host, result) {
  assert.deepEqual(result.disagreements, [], `${host}: the host's crypto disagrees with the module`);
  assert.ok(result.total >= 15000, `${host}: only ${result.total} signature vectors ran`);
  assert.equal(result.byHost, result.total - result.byPrecheck, `${host}: the host's crypto did not check every signature (${result.byHost} of ${result.total - result.byPrecheck})`);
}

async function assertTokens(host, { tokens: printed, hostChecks }) {
  assert.equal(printed, nativeTokens(), `${host}: verifyIdTokenAsync differs from native`);
  assert.equal(hostChecks, await tokensForTheHost(), `${host}: WebCrypto checked ${hostChecks} token signatures`);
}

/**
 * How many token vectors carry a signature the host checks: counted as WebCrypto's verify calls
 * while the web build verifies them all in this process. Every WebCrypto host must make as many.
 */
let hostChecked;
async function tokensForTheHost() {
  if (hostChecked !== undefined) return hostChecked;
  const web = await import("../../pkg/web/kestra_authz.js");
  web.initSync({ module: readFileSync(join(repo, "pkg/web/kestra_authz_bg.wasm")) });
  const { lines, hostChecks: checked } = await runTokenVectorsAsync(web, tokens, hostChecks);
  assert.equal(canonical(lines), nativeTokens(), "the web build in Node differs from native");
  hostChecked = checked;
  return checked;
}

test("the vectors are there and large", async () => {
  const s = suites();
  const count = Object.values(s).flat().reduce((n, g) => n + g.tests.length, 0);
  assert.ok(count >= 15000, `${count}`);
  const checked = await tokensForTheHost();
  assert.ok(checked >= 50, `WebCrypto checked ${checked} token signatures`);
});

test("Node: node:crypto (the Node build's verifyIdToken and verifyIdTokenAsync) and WebCrypto agree with the module on every Wycheproof vector", async () => {
  const mod = require("../../pkg/nodejs/kestra_authz.js");
  const s = suites();
  assertSignatures("node:crypto", await runSignatureVectors(mod, s, "sync"));
  assertSignatures("Node WebCrypto", await runSignatureVectors(mod, s, "async"));
});

test("Node: verifyIdTokenAsync and verifyIdToken (node:crypto) answer the token vectors as native does", async () => {
  const mod = require("../../pkg/nodejs/kestra_authz.js");
  const { lines } = await runTokenVectorsAsync(mod, tokens);
  assert.equal(canonical(lines), nativeTokens());
  const sync = runVectors(mod, tokens, { scenarios: [] }).slice(0, tokens.cases.length);
  assert.equal(canonical(sync), nativeTokens());
});

test("Node: node:crypto replaced after the package loaded decides nothing", () => {
  const nodeCrypto = require("node:crypto");
  const { Authorizer } = require("../../pkg/nodejs/kestra_authz.js");
  const c = tokens.cases.find((x) => x.name === "alg: RS256");
  // A signature of the right length (all zeros: below the modulus), so it reaches the host.
  const dot = c.token.lastIndexOf(".") + 1;
  const forged = `${c.token.slice(0, dot)}${"A".repeat(c.token.length - dot)}`;
  const { verify, createPublicKey } = nodeCrypto;
  nodeCrypto.verify = () => true;
  nodeCrypto.createPublicKey = createPublicKey;
  try {
    const authz = new Authorizer(tokens.providers[c.provider]);
    assert.throws(() => authz.verifyIdToken(forged, c.options), { code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
    assert.equal(authz.verifyIdToken(c.token, c.options).subject, c.expect.sub);
    authz.free();
  } finally {
    nodeCrypto.verify = verify;
  }
});

test("the web build: crypto.subtle replaced after the package loaded decides nothing", async () => {
  const web = await import("../../pkg/web/kestra_authz.js");
  web.initSync({ module: readFileSync(join(repo, "pkg/web/kestra_authz_bg.wasm")) });
  const { c, forged } = forgedRs256(tokens);
  await withVerifyStubbedToYes(async () => {
    const authz = new web.Authorizer(tokens.providers[c.provider]);
    await assert.rejects(authz.verifyIdTokenAsync(forged, c.options), { code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
    assert.equal((await authz.verifyIdTokenAsync(c.token, c.options)).subject, c.expect.sub);
    authz.free();
  });
});

let site;
before(async () => {
  site = await serveRepo();
});
after(() => site?.close());

test("headless Chromium: verifyIdTokenAsync and WebCrypto agree with native; without WebCrypto the same answers", async () => {
  const result = await inChromiumPage(site.origin, async (SUITES) => {
    // The counter first: the package takes its references to crypto.subtle when it loads.
    const counter = await import("/tests/js/host-check-counter.mjs");
    const { default: init, Authorizer, __signatureVerdict } = await import("/pkg/web/kestra_authz.js");
    const { canonical, runSignatureVectors, runTokenVectorsAsync } = await import("/tests/js/parity-runner.mjs");
    await init();
    const get = (path) => fetch(path).then((r) => r.json());
    const tokens = await get("/tests/vectors/tokens.json");
    const suites = Object.fromEntries(await Promise.all(SUITES.map(async (s) => [s, await get(`/target/parity/wycheproof-${s}.json`)])));
    const viaHost = await runTokenVectorsAsync({ Authorizer }, tokens, counter.hostChecks);
    const signatures = await runSignatureVectors({ __signatureVerdict }, suites, "async");
    // A host whose WebCrypto refuses every key: the module checks every signature itself.
    counter.refuseKeyImports(true);
    const refused = await runTokenVectorsAsync({ Authorizer }, tokens, counter.hostChecks);
    counter.refuseKeyImports(false);
    return { viaHost: { tokens: canonical(viaHost.lines), hostChecks: viaHost.hostChecks }, refused: { tokens: canonical(refused.lines), hostChecks: refused.hostChecks }, signatures };
  }, SUITES);
  await assertTokens("chromium", result.viaHost);
  assertSignatures("chromium", result.signatures);
  assert.equal(result.refused.tokens, nativeTokens(), "chromium, keys refused: the module's fallback differs from native");
  assert.equal(result.refused.hostChecks, 0);
});

test("Deno: verifyIdTokenAsync and WebCrypto agree with native", async () => {
  const printed = execFileSync(join(repo, "node_modules/.bin/deno"), ["run", "--quiet", "--no-prompt", `--allow-read=${repo}`, join(repo, "tests/js/hostcrypto-deno.mjs")], {
    encoding: "utf8",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(repo, "target/deno") },
    maxBuffer: 64 * 1024 * 1024,
  });
  const result = JSON.parse(printed);
  await assertTokens("deno", result);
  assertSignatures("deno", result.signatures);
});

test("Cloudflare workerd: verifyIdTokenAsync and WebCrypto agree with native", async () => {
  readParity("wycheproof-ecdsa.json");
  const result = JSON.parse(await fetchOnceFromWorker("tests/js/hostcrypto-worker.mjs"));
  await assertTokens("workerd", result);
  assertSignatures("workerd", result.signatures);
});
