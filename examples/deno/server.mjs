// A Deno server in front of Kestra, on 127.0.0.1. Environment: KESTRA_CONFIG, JWKS, POLICY
// (optional), PORT (0 for any). Prints "listening on <port>" when ready.
import { initSync, Authorizer } from "../../pkg/web/kestra_authz.js";
import { handle } from "../shared/handler.mjs";

initSync({ module: Deno.readFileSync(new URL("../../pkg/web/kestra_authz_bg.wasm", import.meta.url)) });
const authz = new Authorizer({
  kestraConfig: Deno.env.get("KESTRA_CONFIG"),
  jwks: Deno.env.get("JWKS"),
  policy: Deno.env.get("POLICY") || undefined,
});

Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT") ?? 8787), onListen: ({ port }) => console.log(`listening on ${port}`) },
  (request) => {
    const { status, body, headers } = handle(authz, { method: request.method, url: request.url, authorization: request.headers.get("authorization") });
    return new Response(body, { status, headers });
  },
);
