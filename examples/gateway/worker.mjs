// The gateway as a Cloudflare worker. Variables (wrangler.toml [vars] and secrets): those of
// core.mjs. The policy and keys are refreshed as requests come (a worker has no timers of its
// own between requests); a refresh under way is finished with ctx.waitUntil.
import { initSync, Authorizer } from "../../pkg/web/kestra_authz.js";
import wasm from "../../pkg/web/kestra_authz_bg.wasm";
import { gatewayFromEnv } from "./core.mjs";

initSync({ module: wasm });
let gateway;

export default {
  async fetch(request, env, ctx) {
    gateway ??= gatewayFromEnv(Authorizer, (name) => env[name]);
    try {
      return await gateway.handle(request);
    } catch (e) {
      return Response.json({ code: e?.code ?? "ERR_UPSTREAM", message: e?.message }, { status: 502 });
    } finally {
      ctx.waitUntil(gateway.authorizer.pending);
    }
  },
};
