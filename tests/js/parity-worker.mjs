// Cloudflare workerd host for the parity test: the web build initialised from the compiled
// module, the vectors bundled as text; answers one request with the canonical outcomes.
import { initSync, Authorizer, diffPolicies } from "../../pkg/web/kestra_authz.js";
import wasm from "../../pkg/web/kestra_authz_bg.wasm";
import tokensText from "../vectors/tokens.json";
import rbacText from "../vectors/rbac.json";
import { canonical, runVectors } from "./parity-runner.mjs";

initSync({ module: wasm });

export default {
  async fetch() {
    return new Response(canonical(runVectors({ Authorizer, diffPolicies }, JSON.parse(tokensText), JSON.parse(rbacText))));
  },
};
