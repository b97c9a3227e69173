// The package as a new user installs it: `npm pack pkg/`, the tarball installed by name into
// fresh projects, each built with its bundler (Vite, webpack, esbuild) exactly as the docs say,
// served on 127.0.0.1 and loaded in headless Chromium, where it verifies the bundled authentik
// token; Deno with a bare import; Node's import and require. Offline: the bundlers come from
// the repository's dev packages, the tarball from disk.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fetchOnceFromWorker, launchChromium, repo, serveRepo } from "./hosts.mjs";

const fixtures = join(repo, "tests/fixtures/authentik-2025.8.1");
const ISSUER = "http://127.0.0.1:9000/application/o/kestra/";
const TOKEN = readFileSync(join(fixtures, "tokens/kestra.alice.authcode.1.id_token.jwt"), "utf8").trim();
const JWKS = JSON.parse(readFileSync(join(fixtures, "kestra.jwks.json"), "utf8"));
const NOW = 1795885258;
// Inside the repository, so the loopback file server reaches the built pages.
const work = join(repo, "target/bundlers");
let tarball;

/** What every app does once its import resolved: verify the token both ways and report. */
const CHECK = `
async function check() {
  const authz = new Authorizer({ issuer: ${JSON.stringify(ISSUER)}, clientId: "kestra-client", jwks: ${JSON.stringify(JWKS)} });
  const viaHost = await authz.verifyIdTokenAsync(${JSON.stringify(TOKEN)}, { now: ${NOW} });
  const inModule = authz.verifyIdToken(${JSON.stringify(TOKEN)}, { now: ${NOW} });
  return [viaHost.claims.email, inModule.subject === viaHost.subject, typeof init].join(" ");
}
`;
const APP = `${CHECK}
if (typeof document === "undefined") console.log(await check());
else document.body.dataset.result = await check();
`;

function project(name) {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `app-${name}`, private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--no-package-lock", tarball], { cwd: dir, stdio: "pipe" });
  return dir;
}

let site;
let browser;
before(async () => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const [{ filename }] = JSON.parse(execFileSync("npm", ["pack", join(repo, "pkg"), "--pack-destination", work, "--json"], { encoding: "utf8" }));
  tarball = join(work, filename);
  site = await serveRepo();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  site?.close();
});

/** Loads a built page and answers what the app reported (or the page's errors). */
async function run(page) {
  const tab = await browser.newPage();
  const errors = [];
  tab.on("pageerror", (e) => errors.push(e.message));
  tab.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  try {
    await tab.goto(`${site.origin}/${page}`);
    await tab.waitForFunction(() => document.body?.dataset.result, null, { timeout: 20000 }).catch(() => {});
    const result = await tab.evaluate(() => document.body?.dataset.result);
    return result ?? `no result: ${errors.join("; ")}`;
  } finally {
    await tab.close();
  }
}

const EXPECTED = "alice@example.com true function";

test("Vite: import { Authorizer } from \"kestra-authz\" with no set-up", async () => {
  const dir = project("vite");
  writeFileSync(join(dir, "index.html"), `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="./main.js"></script></body></html>`);
  // `init` by name too: harmless, as the docs say.
  writeFileSync(join(dir, "main.js"), `import { init, Authorizer } from "kestra-authz";\n${APP}`);
  const { build } = await import("vite");
  await build({ root: dir, base: "./", logLevel: "silent", configFile: false, build: { outDir: "dist" } });
  assert.equal(await run(`target/bundlers/vite/dist/index.html`), EXPECTED);
});

test("Vite: in a module worker, with worker.format \"es\" (the docs' one setting for workers)", async () => {
  const dir = project("vite-worker");
  writeFileSync(join(dir, "index.html"), `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="./main.js"></script></body></html>`);
  writeFileSync(join(dir, "main.js"), `const worker = new Worker(new URL("./w.js", import.meta.url), { type: "module" });\nworker.onmessage = (e) => { document.body.dataset.result = e.data; };`);
  writeFileSync(join(dir, "w.js"), `import init, { Authorizer } from "kestra-authz";\n${CHECK}\ncheck().then((r) => postMessage(r), (e) => postMessage(String(e)));`);
  const { build } = await import("vite");
  await build({ root: dir, base: "./", logLevel: "silent", configFile: false, build: { outDir: "dist" }, worker: { format: "es" } });
  assert.equal(await run(`target/bundlers/vite-worker/dist/index.html`), EXPECTED);
});

for (const [version, module] of [["5.113", "webpack"], ["5.99", "webpack-5-99"]]) {
  test(`webpack ${version}: import { Authorizer } from "kestra-authz" with no set-up`, async () => {
    const dir = project(`webpack-${version}`);
    writeFileSync(join(dir, "main.js"), `import { init, Authorizer } from "kestra-authz";\n${APP}`);
    const { default: webpack } = await import(module);
    const stats = await new Promise((resolve, reject) =>
      webpack({ mode: "production", context: dir, entry: "./main.js", output: { path: join(dir, "dist"), filename: "main.js" }, performance: { hints: false } }, (err, s) => (err ? reject(err) : resolve(s))),
    );
    assert.equal(stats.hasErrors(), false, stats.toString("errors-only"));
    assert.equal(stats.hasWarnings(), false, stats.toString("errors-warnings"));
    writeFileSync(join(dir, "dist/index.html"), `<!doctype html><html><head><meta charset="utf-8"></head><body><script src="main.js"></script></body></html>`);
    assert.equal(await run(`target/bundlers/webpack-${version}/dist/index.html`), EXPECTED);
  });
}

test("esbuild: the documented recipe (the .wasm imported by name through the file loader, ESM)", async () => {
  const dir = project("esbuild");
  writeFileSync(
    join(dir, "main.js"),
    `import init, { Authorizer } from "kestra-authz/web";\nimport wasm from "kestra-authz/kestra_authz_bg.wasm";\nawait init({ module_or_path: new URL(wasm, import.meta.url) });\n${APP}`,
  );
  const esbuild = await import("esbuild");
  const result = await esbuild.build({ entryPoints: [join(dir, "main.js")], bundle: true, format: "esm", platform: "browser", outdir: join(dir, "dist"), loader: { ".wasm": "file" }, logLevel: "silent" });
  assert.deepEqual(result.errors, []);
  writeFileSync(join(dir, "dist/index.html"), `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="./main.js"></script></body></html>`);
  assert.equal(await run(`target/bundlers/esbuild/dist/index.html`), EXPECTED);
});

test("Cloudflare workerd: a bare import, bundled as wrangler does (its conditions, the .wasm a module)", async () => {
  const dir = project("workerd");
  writeFileSync(join(dir, "worker.js"), `import init, { Authorizer } from "kestra-authz";\n${CHECK}\nexport default { async fetch() { return new Response(await check()); } };`);
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [join(dir, "worker.js")],
    bundle: true,
    format: "esm",
    conditions: ["workerd", "worker", "browser"],
    outdir: join(dir, "dist"),
    loader: { ".wasm": "copy" },
    logLevel: "silent",
  });
  assert.equal(await fetchOnceFromWorker("target/bundlers/workerd/dist/worker.js"), EXPECTED);
});

test("Cloudflare workerd by hand: kestra-authz/web with the .wasm imported by name and initSync", async () => {
  const dir = project("workerd-by-hand");
  writeFileSync(
    join(dir, "worker.js"),
    `import { initSync, Authorizer } from "kestra-authz/web";\nimport wasm from "kestra-authz/kestra_authz_bg.wasm";\ninitSync({ module: wasm });\nconst init = initSync;\n${CHECK}\nexport default { async fetch() { return new Response(await check()); } };`,
  );
  const esbuild = await import("esbuild");
  await esbuild.build({ entryPoints: [join(dir, "worker.js")], bundle: true, format: "esm", outdir: join(dir, "dist"), loader: { ".wasm": "copy" }, logLevel: "silent" });
  assert.equal(await fetchOnceFromWorker("target/bundlers/workerd-by-hand/dist/worker.js"), EXPECTED);
});

test("esbuild, a Node app (platform node): the package left external, as the docs say for server bundles", async () => {
  const dir = project("esbuild-node");
  writeFileSync(join(dir, "server.js"), `import init, { Authorizer } from "kestra-authz";\n${APP}`);
  const esbuild = await import("esbuild");
  await esbuild.build({ entryPoints: [join(dir, "server.js")], bundle: true, format: "esm", platform: "node", packages: "external", outfile: join(dir, "dist/server.mjs"), logLevel: "silent" });
  assert.equal(execFileSync("node", ["dist/server.mjs"], { cwd: dir, encoding: "utf8" }).trim(), EXPECTED);
});

test("Deno: a bare import, no permissions", () => {
  const dir = project("deno");
  writeFileSync(join(dir, "main.mjs"), `import init, { Authorizer } from "kestra-authz";\n${APP}`);
  const printed = execFileSync(join(repo, "node_modules/.bin/deno"), ["run", "--quiet", "--no-prompt", "main.mjs"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", DENO_DIR: join(repo, "target/deno") },
  });
  assert.equal(printed.trim(), EXPECTED);
});

test("Node: import (with init a harmless call) and require", () => {
  const dir = project("node");
  writeFileSync(join(dir, "esm.mjs"), `import init, { Authorizer } from "kestra-authz";\nawait init();\n${APP}`);
  assert.equal(execFileSync("node", ["esm.mjs"], { cwd: dir, encoding: "utf8" }).trim(), EXPECTED);
  writeFileSync(join(dir, "cjs.cjs"), `const { Authorizer, init } = require("kestra-authz");\nif (typeof require("kestra-authz/remote").RemoteAuthorizer !== "function") throw new Error("remote");\n${CHECK}\ncheck().then(console.log);`);
  assert.equal(execFileSync("node", ["cjs.cjs"], { cwd: dir, encoding: "utf8" }).trim(), EXPECTED);
});
