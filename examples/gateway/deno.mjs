// The gateway as a Deno server: `deno run --allow-net --allow-env --allow-read
// examples/gateway/deno.mjs` with the variables of core.mjs (and PORT, HOST: default 8080 on
// 127.0.0.1). Prints "listening on <port>".
import { initSync, Authorizer } from "../../pkg/web/kestra_authz.js";
import { gatewayFromEnv } from "./core.mjs";

initSync({ module: Deno.readFileSync(new URL("../../pkg/web/kestra_authz_bg.wasm", import.meta.url)) });
const gateway = gatewayFromEnv(Authorizer, (name) => Deno.env.get(name));
gateway.policySource.start();

Deno.serve(
  { hostname: Deno.env.get("HOST") ?? "127.0.0.1", port: Number(Deno.env.get("PORT") ?? 8080), onListen: ({ port }) => console.log(`listening on ${port}`) },
  async (request) => {
    try {
      return await gateway.handle(request);
    } catch (e) {
      return Response.json({ code: e?.code ?? "ERR_UPSTREAM", message: e?.message }, { status: 502 });
    }
  },
);
