// kestra-authz for browsers and bundlers: the web build, initialised when imported. Vite and
// webpack see `new URL("...wasm", import.meta.url)` and ship the module as an asset; the page
// fetches and compiles it once, before the first import resolves (top-level await).
import init from "./web/kestra_authz.js";

await init({ module_or_path: new URL("./web/kestra_authz_bg.wasm", import.meta.url) });

export * from "./web/kestra_authz.js";
// Already done: calling it again is harmless, so code shared with other hosts may call it.
export { default, default as init, initSync } from "./web/kestra_authz.js";
