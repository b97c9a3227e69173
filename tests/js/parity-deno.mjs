// Deno host for the parity test: the web build, initialised synchronously from the .wasm.
import { initSync, Authorizer, diffPolicies } from "../../pkg/web/kestra_authz.js";
import { canonical, runVectors } from "./parity-runner.mjs";

const root = new URL("../../", import.meta.url);
initSync({ module: Deno.readFileSync(new URL("pkg/web/kestra_authz_bg.wasm", root)) });
const read = (name) => JSON.parse(Deno.readTextFileSync(new URL(`tests/vectors/${name}.json`, root)));
console.log(canonical(runVectors({ Authorizer, diffPolicies }, read("tokens"), read("rbac"))));
