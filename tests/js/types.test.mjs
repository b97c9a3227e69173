// The package's TypeScript declarations as a user's compiler sees them: the packed tarball
// installed by name into a fresh project, `tsc --noEmit` under `strict` with `skipLibCheck:
// false` and the default lib, for moduleResolution bundler, node16 and nodenext, as an ES
// module and as CommonJS (and a Node project whose lib has no DOM).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repo } from "./hosts.mjs";

const tsc = join(repo, "node_modules/typescript/bin/tsc");
let work;
let app;

/** Uses that need every declaration: optional options, init, disposal, a decision's shape. */
const ESM = `import init, { Authorizer, initSync, type Decision, type Session } from "kestra-authz";
import { RemoteAuthorizer } from "kestra-authz/remote";
void RemoteAuthorizer;
import { createTestIssuer } from "kestra-authz/testing";
await init();
void initSync;
const authz = new Authorizer({ issuer: "https://sso.example.com/application/o/kestra/", clientId: "kestra-client", jwks: "{}" });
const session: Session = authz.verifyIdToken("t");
const later: Promise<Session> = authz.verifyIdTokenAsync("t");
const decision: Decision = authz.authorize(session, { permission: "FLOW", action: "READ" });
const more: number = decision.moreReasons;
const matrix = authz.matrix(session);
authz.whoCan({ permission: "FLOW", action: "READ" });
authz[Symbol.dispose]();
const issuer = await createTestIssuer({ alg: "ES256" });
const minted: string = await issuer.mint({ email: "bob@example.com" }, { expiresIn: 60 });
export { later, more, matrix, minted };
`;
const CJS = `import authz = require("kestra-authz");
import remote = require("kestra-authz/remote");
const source: typeof remote.RemoteAuthorizer = remote.RemoteAuthorizer;
void source;
const a = new authz.Authorizer({ issuer: "https://sso.example.com/application/o/kestra/", clientId: "kestra-client", jwks: "{}" });
const s: authz.Session = a.verifyIdToken("t");
const more: number = a.authorize(s, { permission: "FLOW", action: "READ" }).moreReasons;
void authz.init();
export = more;
`;

before(() => {
  work = mkdtempSync(join(tmpdir(), "kestra-authz-types-"));
  const [{ filename }] = JSON.parse(execFileSync("npm", ["pack", join(repo, "pkg"), "--pack-destination", work, "--json"], { encoding: "utf8" }));
  app = join(work, "app");
  execFileSync("mkdir", ["-p", app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", "--no-package-lock", join(work, filename)], { cwd: app, stdio: "pipe" });
});
after(() => rmSync(work, { recursive: true, force: true }));

function check(name, { type, module, moduleResolution, lib, file, source }) {
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, ...(type ? { type } : {}) }));
  writeFileSync(join(app, file), source);
  const options = { strict: true, noEmit: true, skipLibCheck: false, target: "es2022", module, moduleResolution, ...(lib ? { lib } : {}) };
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: [file] }));
  try {
    execFileSync("node", [tsc, "-p", app], { encoding: "utf8", stdio: "pipe" });
  } catch (e) {
    assert.fail(`${name}:\n${e.stdout}${e.stderr}`);
  }
}

test("bundler resolution, ES module, default lib", () => check("bundler", { module: "esnext", moduleResolution: "bundler", file: "a.ts", source: ESM }));
test("node16, ES module (type: module), default lib", () => check("node16 esm", { type: "module", module: "node16", moduleResolution: "node16", file: "a.ts", source: ESM }));
test("nodenext, ES module, default lib", () => check("nodenext esm", { type: "module", module: "nodenext", moduleResolution: "nodenext", file: "a.ts", source: ESM }));
test("node16, CommonJS, default lib", () => check("node16 cjs", { module: "node16", moduleResolution: "node16", file: "b.cts", source: CJS }));
test("nodenext, CommonJS, default lib", () => check("nodenext cjs", { module: "nodenext", moduleResolution: "nodenext", file: "b.cts", source: CJS }));
// kestra-authz/remote names fetch's types (AbortSignal, ReadableStream): a Node project has them
// from @types/node, which this fresh project does not install; the main entry needs none.
test("node16, ES module, a Node lib without DOM", () =>
  check("node16 no dom", { type: "module", module: "node16", moduleResolution: "node16", lib: ["es2022"], file: "a.ts", source: ESM.replace(/^import \{ RemoteAuthorizer \}.*\nvoid RemoteAuthorizer;\n/m, "") }));
test("nodenext, CommonJS: a default init import compiles and runs", () => {
  check("nodenext cjs default", { type: "commonjs", module: "nodenext", moduleResolution: "nodenext", file: "c.ts", source: `import init, { Authorizer } from "kestra-authz";\nvoid init().then(() => console.log(typeof Authorizer));\n` });
  writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, skipLibCheck: false, target: "es2022", module: "nodenext", moduleResolution: "nodenext", outDir: "out" }, files: ["c.ts"] }));
  execFileSync("node", [tsc, "-p", app], { encoding: "utf8", stdio: "pipe" });
  assert.equal(execFileSync("node", [join(app, "out/c.js")], { cwd: app, encoding: "utf8" }).trim(), "function");
});

test("bundler, a lib with esnext.disposable (the declarations merge)", () => check("esnext lib", { module: "esnext", moduleResolution: "bundler", lib: ["esnext", "dom"], file: "a.ts", source: ESM }));
