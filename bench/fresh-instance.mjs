// One fresh instance of the package, for the rows that must not see warm code or memory
// (bench/package.bench.mjs runs this in a new process per sample and prints the medians):
//   node bench/fresh-instance.mjs <pkg dir> start-up   -> ms to require() the Node build
//   node bench/fresh-instance.mjs <pkg dir> object|text -> ms to build from 100,000 bindings in
//     a fresh web-build instance, and the wasm memory (MiB) after it
// Prints one JSON object.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ISSUER, SECRET, policy } from "./fixtures.mjs";

const [dir, what] = process.argv.slice(2);
if (what === "start-up") {
  const start = process.hrtime.bigint();
  createRequire(import.meta.url)(join(dir, "nodejs/kestra_authz.js"));
  console.log(JSON.stringify({ ms: Number(process.hrtime.bigint() - start) / 1e6 }));
} else if (what === "object" || what === "text") {
  const { initSync, Authorizer } = await import(join(dir, "web/kestra_authz.js"));
  const instance = initSync({ module: readFileSync(join(dir, "web/kestra_authz_bg.wasm")) });
  // As a policy arrives from Kestra's API: through JSON.parse, or as the response's text.
  const text = JSON.stringify(policy(100_000));
  const value = what === "text" ? text : JSON.parse(text);
  const start = process.hrtime.bigint();
  new Authorizer({ issuer: ISSUER, clientId: "kestra-client", clientSecret: SECRET, jwks: "{}", policy: value }).free();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(JSON.stringify({ ms, mib: instance.memory.buffer.byteLength / 2 ** 20 }));
} else {
  throw new Error("usage: node bench/fresh-instance.mjs <pkg dir> start-up|object|text");
}
