// kestra-authz for Deno: the web build, initialised when imported from the module Deno compiles
// (a source-phase import: no file read, so no --allow-read).
import source wasm from "./web/kestra_authz_bg.wasm";
import { initSync } from "./web/kestra_authz.js";

initSync({ module: wasm });

export * from "./web/kestra_authz.js";
export { default, default as init, initSync } from "./web/kestra_authz.js";
