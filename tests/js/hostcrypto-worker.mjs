// Cloudflare workerd host for tests/js/hostcrypto.test.mjs: the web build initialised from the
// compiled module; the token vectors through verifyIdTokenAsync and Wycheproof's signatures
// through workerd's WebCrypto, answered as JSON.
import { hostChecks } from "./host-check-counter.mjs";
import { initSync, Authorizer, __signatureVerdict } from "../../pkg/web/kestra_authz.js";
import wasm from "../../pkg/web/kestra_authz_bg.wasm";
import tokensText from "../vectors/tokens.json";
import pkcs1 from "../../target/parity/wycheproof-rsa-pkcs1.json";
import pss from "../../target/parity/wycheproof-rsa-pss.json";
import ecdsa from "../../target/parity/wycheproof-ecdsa.json";
import { canonical, runSignatureVectors, runTokenVectorsAsync } from "./parity-runner.mjs";

initSync({ module: wasm });

export default {
  async fetch() {
    const tokens = await runTokenVectorsAsync({ Authorizer }, JSON.parse(tokensText), hostChecks);
    const suites = { "rsa-pkcs1": JSON.parse(pkcs1), "rsa-pss": JSON.parse(pss), ecdsa: JSON.parse(ecdsa) };
    const signatures = await runSignatureVectors({ __signatureVerdict }, suites, "async");
    return Response.json({ tokens: canonical(tokens.lines), hostChecks: tokens.hostChecks, signatures });
  },
};
