// The demo page in real Chromium (playwright-core + Debian's /usr/bin/chromium): mint a token,
// read the grid, change the namespace, expire the token, paste a misplaced defaultRole.
// Saves screenshots under target/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, repo, serveRepo } from "./hosts.mjs";

let site;
let browser;
before(async () => {
  site = await serveRepo();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  site?.close();
});

async function open(viewport = { width: 1280, height: 1800 }) {
  const page = await browser.newPage({ viewport });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${site.origin}/www/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  return { page, errors };
}

/** Runs `action` and waits until the page has evaluated again. */
async function settle(page, action) {
  const before = Number(await page.getAttribute("body", "data-evaluations"));
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.evaluations) > n, before);
}

const cell = (page, p, a) => page.getAttribute(`#matrix button[data-permission="${p}"][data-action="${a}"]`, "data-allowed");

test("opens ready: the guide's configuration, a minted RS256 token, the grid", async () => {
  const { page, errors } = await open();
  assert.equal(await page.getAttribute("#verification [data-code]", "data-code"), "VERIFIED");
  assert.match(await page.textContent("#verification"), /alice@example\.com/);
  assert.equal(await cell(page, "FLOW", "CREATE"), "true");
  assert.equal(await cell(page, "INFRASTRUCTURE", "DELETE"), "true");
  assert.equal(await cell(page, "DASHBOARD", "READ"), "false");
  assert.ok((await page.$$eval("#warnings li", (l) => l.map((x) => x.dataset.code))).includes("WARN_DEFAULT_ROLE_IAM_WRITE"));
  assert.match(await page.textContent("#where"), /Everywhere/);
  assert.match(await page.textContent("#who"), /Users \(0\)[\s\S]*Every user the policy does not list, through the first-login role default_admin_role/);
  mkdirSync(join(repo, "target"), { recursive: true });
  await page.screenshot({ path: join(repo, "target/www.png"), fullPage: true });
  assert.deepEqual(errors, []);
});

test("a cell explains itself, by mouse or keyboard", async () => {
  const { page } = await open();
  await page.click('#matrix button[data-permission="FLOW"][data-action="UPDATE"]');
  assert.equal(await page.getAttribute("#reasons [data-code]", "data-code"), "ALLOWED");
  assert.match(await page.textContent("#reasons"), /via default-role: role default_admin_role, tenant-wide/);
  await page.focus('#matrix button[data-permission="DASHBOARD"][data-action="READ"]');
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("#reasons [data-code]", "data-code"), "DENIED_NO_GRANT");
  // Without a tenant the guide's configuration denies everything, with its own code.
  await settle(page, () => page.fill("#tenant", ""));
  assert.equal(await cell(page, "FLOW", "CREATE"), "false");
  await page.click('#matrix button[data-permission="FLOW"][data-action="CREATE"]');
  assert.equal(await page.getAttribute("#reasons [data-code]", "data-code"), "DENIED_TENANT_REQUIRED");
});

test("with a policy, the namespace changes the cells", async () => {
  const { page } = await open();
  const policy = {
    tenants: {
      main: {
        roles: [{ id: "dev", name: "Developer", permissions: { FLOW: ["READ", "UPDATE"], EXECUTION: ["READ"] } }],
        users: [{ id: "u1", username: "alice@example.com" }],
        bindings: [{ id: "b1", type: "USER", externalId: "u1", roleId: "dev", namespaceId: "company" }],
      },
    },
  };
  await settle(page, () => page.fill("#policy", JSON.stringify(policy)));
  assert.equal(await cell(page, "FLOW", "UPDATE"), "true");
  assert.equal(await cell(page, "FLOW", "DELETE"), "false");
  assert.equal(await cell(page, "NAMESPACE", "READ"), "false", "a listed user has no default role");
  await page.click('#matrix button[data-permission="FLOW"][data-action="UPDATE"]');
  assert.match(await page.textContent("#reasons"), /via user: role Developer, binding b1, namespace company/);
  assert.match(await page.textContent("#where"), /In company and below/);
  // Who can: the policy's user, by its binding; the guide's first-login role for anyone else.
  assert.match(await page.textContent("#who"), /Users \(1\):\s*alice@example\.com: Developer via user on company/);
  assert.match(await page.textContent("#who"), /through the first-login role default_admin_role/);
  await settle(page, () => page.fill("#namespace", "finance"));
  assert.equal(await cell(page, "FLOW", "UPDATE"), "false");
  await page.click('#matrix button[data-permission="FLOW"][data-action="UPDATE"]');
  assert.equal(await page.getAttribute("#reasons [data-code]", "data-code"), "DENIED_NAMESPACE_NOT_COVERED");
  await settle(page, () => page.fill("#namespace", "companyx"));
  assert.equal(await cell(page, "FLOW", "UPDATE"), "false");
  // The 2.0 model: other columns.
  await settle(page, () => page.selectOption("#model", "v2"));
  assert.match(await page.textContent("#verification"), /model: v2/);
  assert.ok(await page.$('#matrix button[data-permission="EXECUTION"][data-action="KILL"]'));
});

test("a refused cell says what would grant it; the diff panel shows what a changed policy does", async () => {
  const { page, errors } = await open();
  const policy = {
    tenants: {
      main: {
        roles: [{ id: "dev", name: "Developer", permissions: { FLOW: ["READ", "UPDATE"] } }],
        groups: [{ id: "g1", name: "data-team" }],
        users: [{ id: "u1", username: "alice@example.com" }, { id: "u2", username: "bob@example.com", groups: ["g1"] }],
        bindings: [{ id: "b1", type: "USER", externalId: "u1", roleId: "dev", namespaceId: "company.team" }],
      },
    },
  };
  await settle(page, () => page.fill("#policy", JSON.stringify(policy)));
  assert.equal(await page.getAttribute("#diff [data-code]", "data-code"), "EMPTY");
  await settle(page, () => page.fill("#namespace", "company.teamx"));
  await page.click('#matrix button[data-permission="FLOW"][data-action="UPDATE"]');
  assert.equal(await page.getAttribute("#reasons [data-code]", "data-code"), "DENIED_NAMESPACE_NOT_COVERED");
  assert.deepEqual(await page.$$eval("#reasons ol.suggestions li", (l) => l.map((x) => x.dataset.kind)), ["BINDING_ELSEWHERE", "BIND_ROLE"]);
  assert.match(await page.textContent("#reasons"), /binding b1 gives you role dev on company\.team, which does not reach company\.teamx/);
  await page.locator("#reasons").screenshot({ path: join(repo, "target/www-explain.png") });
  // The change: the binding moves up to company, and the group gets one.
  const after = structuredClone(policy);
  after.tenants.main.bindings[0].namespaceId = "company";
  after.tenants.main.bindings.push({ id: "b2", type: "GROUP", externalId: "g1", roleId: "dev", namespaceId: "ops" });
  await settle(page, () => page.fill("#policy-after", JSON.stringify(after)));
  assert.equal(await page.getAttribute("#diff [data-code]", "data-code"), "CHANGES");
  const items = await page.$$eval("#diff li", (l) => l.map((x) => x.textContent));
  // A CRUD policy: the 2.0 names each grant expands to ride along ("also").
  const read = "; also FLOW:VIEW, FLOW:LIST, FLOW:EXPORT";
  const update = "; also FLOW:EXECUTE, FLOW:DISABLE, FLOW:ENABLE, FLOW:VALIDATE";
  assert.deepEqual(items, [
    `User alice@example.com, tenant main+ FLOW READ on company (except company.team)${read}+ FLOW UPDATE on company (except company.team)${update}`,
    `User bob@example.com, tenant main+ FLOW READ on ops${read}+ FLOW UPDATE on ops${update}`,
    `Group data-team, tenant main+ FLOW READ on ops${read}+ FLOW UPDATE on ops${update}`,
  ]);
  await settle(page, () => page.fill("#policy-after", JSON.stringify(policy)));
  assert.equal(await page.getAttribute("#diff [data-code]", "data-code"), "NO_CHANGE");
  await settle(page, () => page.fill("#policy-after", "{not json"));
  assert.equal(await page.getAttribute("#diff [data-code]", "data-code"), "ERR_POLICY_INVALID");
  await settle(page, () => page.fill("#policy-after", JSON.stringify(after)));
  await page.locator("section:has(#diff-title)").screenshot({ path: join(repo, "target/www-diff.png") });
  assert.deepEqual(errors, []);
});

test("an expired token shows ERR_JWT_EXPIRED with its evidence", async () => {
  const { page } = await open();
  await page.fill("#expires", "-60");
  await settle(page, () => page.click("#mint"));
  assert.equal(await page.getAttribute("#verification [data-code]", "data-code"), "ERR_JWT_EXPIRED");
  assert.match(await page.textContent("#verification"), /expired/);
  assert.equal(await page.$("#matrix button"), null);
});

test("defaultRole under micronaut.security is a finding", async () => {
  const { page } = await open();
  const yaml = (await page.inputValue("#yaml")).replace("kestra:\n  security:\n    defaultRole:", "kestra:\n  notsecurity:\n    defaultRole:");
  const misplaced = `${yaml}\nmicronaut.security.defaultRole.name: admin\n`;
  await settle(page, () => page.fill("#yaml", misplaced));
  const codes = await page.$$eval("#warnings li", (l) => l.map((x) => x.dataset.code));
  assert.ok(codes.includes("WARN_DEFAULT_ROLE_MISPLACED"), codes.join());
});

test("ES256 and HS256 from the demo signer; HS256 warns about the secret", async () => {
  const { page } = await open();
  await settle(page, () => page.selectOption("#alg", "ES256"));
  assert.match(await page.textContent("#verification"), /Verified ES256 token/);
  await settle(page, () => page.selectOption("#alg", "HS256"));
  assert.match(await page.textContent("#verification"), /Verified HS256 token/);
  const codes = await page.$$eval("#warnings li", (l) => l.map((x) => x.dataset.code));
  assert.ok(codes.includes("WARN_CLIENT_SECRET_IN_USE"));
});

test("a phone-width screen does not scroll sideways", async () => {
  const { page } = await open({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${overflow}px wider than the screen`);
  await page.screenshot({ path: join(repo, "target/www-phone.png"), fullPage: false });
  const unlabelled = await page.$$eval("input, select, textarea", (els) => els.filter((e) => !document.querySelector(`label[for="${e.id}"]`)).map((e) => e.id));
  assert.deepEqual(unlabelled, []);
});
