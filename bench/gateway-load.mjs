// The load check of the Node gateway (examples/gateway/): requests at a fixed rate over loopback
// for a while, a mix of allowed (forwarded to a stand-in Kestra), denied and bad-token ones.
// Reports errors (an unexpected status or a failed request), memory over the run, and the
// gateway's own time per request (p50/p99): from the request's arrival to its forwarding, or to
// its refusal. Not a test: run it, read it.
// Run: node --expose-gc bench/gateway-load.mjs [seconds=60] [requests per second=400]
import { AsyncLocalStorage } from "node:async_hooks";
import { Agent, createServer, request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { createGateway } from "../examples/gateway/core.mjs";
import { send, toRequest } from "../examples/gateway/node.mjs";
import { KestraPolicySource, RemoteAuthorizer } from "../js/remote.js";
import { SERVICE_TOKEN, standIn } from "../tests/js/kestra-stand-in.mjs";

const require = createRequire(import.meta.url);
const { Authorizer } = require("../pkg/nodejs/kestra_authz.js");
const seconds = Number(process.argv[2] ?? 60);
const rate = Number(process.argv[3] ?? 400);

const kestra = await standIn();
const policySource = new KestraPolicySource({ url: kestra.origin, token: SERVICE_TOKEN, tenants: ["main"], interval: 5_000 });
const authorizer = new RemoteAuthorizer({ Authorizer, issuer: kestra.issuer, options: { clientId: "kestra-client" }, policySource, maxAge: 10_000 });
const timing = new AsyncLocalStorage();
const forward = (url, init) => {
  const record = timing.getStore();
  if (record && record.decided === undefined) record.decided = performance.now();
  return fetch(url, init);
};
const gateway = createGateway({ authorizer, policySource, upstream: kestra.origin, fetch: forward });
const samples = [];
const server = createServer((req, res) => {
  const record = { start: performance.now(), decided: undefined };
  timing.run(record, async () => {
    try {
      const response = await gateway.handle(toRequest(req));
      record.decided ??= performance.now();
      samples.push(record.decided - record.start);
      await send(response, res);
    } catch (e) {
      res.writeHead(502).end(String(e?.message));
    }
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = { host: "127.0.0.1", port: server.address().port };

const alice = kestra.mint("alice@example.com");
const mix = [
  ...Array(12).fill({ method: "GET", path: "/api/v1/main/flows/company.team/hello", token: alice, status: 200 }),
  ...Array(3).fill({ method: "GET", path: "/api/v1/main/executions/E1", token: alice, status: 200 }),
  ...Array(5).fill({ method: "DELETE", path: "/api/v1/main/flows/company.team/hello", token: alice, status: 403 }),
  ...Array(2).fill({ method: "GET", path: "/api/v1/main/flows/other/hello", token: alice, status: 403 }),
  ...Array(3).fill({ method: "GET", path: "/api/v1/main/flows/company.team/hello", token: `${alice.slice(0, -4)}AAAA`, status: 401 }),
];
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
let sent = 0;
let done = 0;
let errors = 0;
const statuses = {};
const failures = {};
function one(i) {
  const c = mix[i % mix.length];
  sent += 1;
  const req = httpRequest({ ...base, agent, method: c.method, path: c.path, headers: { authorization: `Bearer ${c.token}` } }, (res) => {
    res.resume();
    res.on("end", () => {
      done += 1;
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      if (res.statusCode !== c.status) errors += 1;
    });
  });
  req.on("error", (e) => {
    done += 1;
    errors += 1;
    failures[e.code ?? e.message] = (failures[e.code ?? e.message] ?? 0) + 1;
  });
  req.end();
}

const memory = [];
const mib = (b) => (b / 1024 / 1024).toFixed(1);
const started = performance.now();
let i = 0;
const tick = setInterval(() => {
  const due = Math.floor(((performance.now() - started) / 1000) * rate);
  while (i < due) one(i++);
}, 5);
// With --expose-gc, memory is sampled after a full collection: what is held, not garbage.
const sampler = setInterval(() => {
  // The stand-in records what it is sent; that is the test's memory, not the gateway's.
  kestra.received.length = 0;
  globalThis.gc?.();
  memory.push(process.memoryUsage());
}, 5_000);
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
clearInterval(tick);
clearInterval(sampler);
while (done < sent) await new Promise((resolve) => setTimeout(resolve, 50));

samples.sort((a, b) => a - b);
const pct = (p) => samples[Math.min(samples.length - 1, Math.floor((p / 100) * samples.length))].toFixed(3);
const warm = memory.slice(Math.min(2, memory.length - 1));
console.log(`${seconds} s at ${rate} requests/s: ${sent} sent, ${done} answered, ${errors} errors; statuses ${JSON.stringify(statuses)}${errors ? `; failed requests ${JSON.stringify(failures)}` : ""}`);
console.log(`gateway time per request (ms): p50 ${pct(50)}, p99 ${pct(99)}, max ${pct(100)}`);
console.log(`rss every 5 s (MiB): ${memory.map((m) => mib(m.rss)).join(" ")}`);
console.log(`memory (MiB), from 10 s to the end: rss ${mib(warm[0].rss)} -> ${mib(warm.at(-1).rss)}, heap ${mib(warm[0].heapUsed)} -> ${mib(warm.at(-1).heapUsed)}, external ${mib(warm[0].external)} -> ${mib(warm.at(-1).external)}`);
console.log(`policy reads ${policySource.fetches}, key fetches ${authorizer.fetches}`);
agent.destroy();
server.close();
policySource.stop();
await kestra.close();
process.exit(errors === 0 ? 0 : 1);
