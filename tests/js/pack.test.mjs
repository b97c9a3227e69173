// The package as npm users get it: `npm pack pkg/`, install the tarball into a fresh project
// outside the repository, and use it from there with both import and require.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const fixtures = join(repo, "tests/fixtures/authentik-2025.8.1");

test("npm pack, install the tarball in a fresh project, import and require it", () => {
  const work = mkdtempSync(join(tmpdir(), "kestra-authz-pack-"));
  try {
    const out = execFileSync("npm", ["pack", join(repo, "pkg"), "--pack-destination", work, "--json"], { encoding: "utf8" });
    const [{ filename, files }] = JSON.parse(out);
    const packed = files.map((f) => f.path);
    for (const needed of ["package.json", "README.md", "nodejs/kestra_authz_bg.wasm", "web/kestra_authz.js", "web/kestra_authz.d.ts", "browser.js", "deno.js", "workerd.js", "nodejs/index.mjs", "nodejs/index.d.mts", "entry.d.ts", "testing.js", "testing.d.ts", "lite/kestra_authz.js", "lite/kestra_authz_bg.wasm", "remote.js", "remote.d.ts", "cli.js"]) {
      assert.ok(packed.includes(needed), `${needed} is in the tarball`);
    }
    const project = join(work, "app");
    cpSync(fixtures, join(project, "fixtures"), { recursive: true });
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(work, filename)], { cwd: project, stdio: "pipe" });
    const script = (loader) => `
      ${loader}
      const fs = await import("node:fs");
      const read = (n) => fs.readFileSync("fixtures/" + n, "utf8");
      const authz = new Authorizer({ issuer: "http://127.0.0.1:9000/application/o/kestra/", clientId: "kestra-client", jwks: read("kestra.jwks.json") });
      const s = authz.verifyIdToken(read("tokens/kestra.alice.authcode.1.id_token.jwt").trim(), { now: 1795885258 });
      console.log(s.claims.email);`;
    for (const loader of [
      'import { Authorizer } from "kestra-authz";',
      'import { createRequire } from "node:module"; const { Authorizer } = createRequire(import.meta.url)("kestra-authz");',
    ]) {
      writeFileSync(join(project, "check.mjs"), script(loader));
      const printed = execFileSync("node", ["check.mjs"], { cwd: project, encoding: "utf8" });
      assert.equal(printed.trim(), "alice@example.com", loader);
    }
    // The front-end build by name: initialised from its .wasm, the RS256 signature by WebCrypto.
    writeFileSync(join(project, "lite.mjs"), `
      import { initSync, Authorizer } from "kestra-authz/lite";
      import { readFileSync } from "node:fs";
      import { createRequire } from "node:module";
      initSync({ module: readFileSync(createRequire(import.meta.url).resolve("kestra-authz/lite").replace(/kestra_authz\.js$/, "kestra_authz_bg.wasm")) });
      const read = (n) => readFileSync("fixtures/" + n, "utf8");
      const authz = new Authorizer({ issuer: "http://127.0.0.1:9000/application/o/kestra/", clientId: "kestra-client", jwks: read("kestra.jwks.json") });
      const s = await authz.verifyIdTokenAsync(read("tokens/kestra.alice.authcode.1.id_token.jwt").trim(), { now: 1795885258 });
      console.log(s.claims.email);`);
    assert.equal(execFileSync("node", ["lite.mjs"], { cwd: project, encoding: "utf8" }).trim(), "alice@example.com");
    // The installed command.
    const routed = execFileSync(join(project, "node_modules/.bin/kestra-authz"), ["routes", "GET", "/api/v1/main/flows/company/hello", "--json"], { cwd: project, encoding: "utf8" });
    assert.equal(JSON.parse(routed).route, "GET /api/v1/{tenant}/flows/{namespace}/{id}");
    const manifest = JSON.parse(readFileSync(join(project, "node_modules/kestra-authz/package.json"), "utf8"));
    assert.equal(manifest.exports["."].types, "./entry.d.ts");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
