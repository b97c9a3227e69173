// kestra-authz for Cloudflare Workers (workerd): the web build, initialised when imported from
// the module the platform compiles (wrangler imports a .wasm as a compiled module; a worker
// cannot compile wasm from bytes at run time).
import wasm from "./web/kestra_authz_bg.wasm";
import { initSync } from "./web/kestra_authz.js";

initSync({ module: wasm });

export * from "./web/kestra_authz.js";
export { default, default as init, initSync } from "./web/kestra_authz.js";
