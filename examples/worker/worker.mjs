// A Cloudflare worker in front of Kestra. Bindings: KESTRA_CONFIG (application.yaml), JWKS
// (the provider's JWKS text), POLICY (optional, JSON text). A real deployment forwards the
// allowed requests to Kestra (`fetch(request)`); this example answers with the decision.
import { initSync, Authorizer } from "../../pkg/web/kestra_authz.js";
import wasm from "../../pkg/web/kestra_authz_bg.wasm";
import { handle } from "../shared/handler.mjs";

initSync({ module: wasm });
let authz;

export default {
  async fetch(request, env) {
    authz ??= new Authorizer({ kestraConfig: env.KESTRA_CONFIG, jwks: env.JWKS, policy: env.POLICY || undefined });
    const { status, body, headers } = handle(authz, {
      method: request.method,
      url: request.url,
      authorization: request.headers.get("authorization"),
    });
    return new Response(body, { status, headers });
  },
};
