// Deno host for tests/js/hostcrypto.test.mjs: the web build, the token vectors through
// verifyIdTokenAsync and Wycheproof's signatures through Deno's WebCrypto.
import { hostChecks } from "./host-check-counter.mjs";
import { initSync, Authorizer, __signatureVerdict } from "../../pkg/web/kestra_authz.js";
import { canonical, runSignatureVectors, runTokenVectorsAsync } from "./parity-runner.mjs";

const root = new URL("../../", import.meta.url);
initSync({ module: Deno.readFileSync(new URL("pkg/web/kestra_authz_bg.wasm", root)) });
const read = (path) => JSON.parse(Deno.readTextFileSync(new URL(path, root)));
const suites = Object.fromEntries(["rsa-pkcs1", "rsa-pss", "ecdsa"].map((s) => [s, read(`target/parity/wycheproof-${s}.json`)]));
const tokens = await runTokenVectorsAsync({ Authorizer }, read("tests/vectors/tokens.json"), hostChecks);
const signatures = await runSignatureVectors({ __signatureVerdict }, suites, "async");
console.log(JSON.stringify({ tokens: canonical(tokens.lines), hostChecks: tokens.hostChecks, signatures }));
