// mizzle vs hand-written `worker` D1 code vs drizzle-orm, on local D1 (workerd).
//
//   node bench/workers/abc.mjs [--rounds 5] [--requests 300] [--concurrency 8] [--bulk 10000] [--quick]
//
// The three Workers in bench/workers/ serve the same routes over the same seeded database
// (mizzle's migrations, one copy per Worker). Each runs in its own workerd, started through
// wrangler's `unstable_startWorker` with the inspector off (`wrangler dev`'s inspector caps
// every Worker at ~300 req/s here and hides the differences). Before measuring, the answers
// are compared: mizzle's and the hand-written Worker's JSON must be identical, drizzle's
// must hold the same rows. Then, round after round, each route is loaded on each Worker in
// turn (the order rotates every round): `requests` requests with at most `concurrency` in
// flight over loopback, giving requests/s and the median latency, and the CPU time the
// Worker's workerd process used per request (user + system, from /proc). A round also
// sends one bulk insert of `bulk` rows to each. Medians over rounds, and ratios, are
// printed as a Markdown table. Build the Rust Workers first: bench/workers/build.sh.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

process.env.CI = "true";
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
const { unstable_startWorker } = await import("wrangler");

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "../..");
const wrangler = join(root, "node_modules/.bin/wrangler");

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const quick = args.includes("--quick");
const rounds = flag("rounds", quick ? 1 : 5);
const requests = flag("requests", quick ? 20 : 300);
const concurrency = flag("concurrency", 8);
const bulk = flag("bulk", quick ? 500 : 10000);
const names = ["mizzle", "hand", "drizzle"];

// The data: 50 users, 5 posts each (every other published), 4 comments per post.
function seedSql() {
  const lines = [];
  for (let u = 1; u <= 50; u++)
    lines.push(`INSERT INTO users (id, email, name, role, created_at) VALUES (${u}, 'u${u}@x.io', 'User ${u}', 'reader', 1764400000);`);
  for (let p = 1; p <= 250; p++)
    lines.push(`INSERT INTO posts (id, author_id, title, slug, body, status, meta, published, rating, views, created_at, updated_at) VALUES (${p}, ${Math.ceil(p / 5)}, 'Post ${p}', 'p${p}', 'Body of post ${p}', 'draft', '{"n":${p}}', ${p % 2}, 4.5, ${p}, 1764400000, 1764400000);`);
  for (let c = 1; c <= 1000; c++)
    lines.push(`INSERT INTO comments (id, post_id, author_id, body, created_at) VALUES (${c}, ${Math.ceil(c / 4)}, ${(c % 50) + 1}, 'comment ${c}', 1764400000123);`);
  return lines.join("\n");
}

function sh(cmd, argv) {
  return execFileSync(cmd, argv, { cwd: root, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
}

// Every workerd process this script started (each Worker runs in its own, behind a proxy
// runtime). One Worker is loaded at a time and the others sit idle, so the CPU all of them
// use during a step is the loaded Worker's, proxy included (the same for all three).
function workerdPids() {
  const pids = [];
  for (const p of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (comm === "workerd" && ppid === process.pid) pids.push(Number(p));
    } catch {}
  }
  return pids;
}

// CPU seconds (user + system) used so far by `pids`.
function cpuSeconds(pids) {
  let ticks = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return ticks / 100;
}

async function start(name, seedFile) {
  const config = join(here, name, "wrangler.jsonc");
  const persist = mkdtempSync(join(tmpdir(), `abc-${name}-`));
  sh(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist, "-c", config]);
  sh(wrangler, ["d1", "execute", "DB", "--local", "--persist-to", persist, "-c", config, "--file", seedFile]);
  const worker = await unstable_startWorker({
    config,
    dev: { inspector: false, watch: false, persist, logLevel: "warn", server: { hostname: "127.0.0.1", port: 0 } },
  });
  await worker.ready;
  const url = (await worker.url).toString().replace(/\/$/, "");
  return { name, worker, url, persist };
}

async function call(w, method, path, body) {
  const res = await fetch(w.url + path, {
    method,
    headers: { ...(body ? { "content-type": "application/json" } : {}), ...(w.headers ?? {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${w.name} ${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

let tagSeq = 0;
const routes = [
  { name: "get by primary key", method: "GET", path: (i) => `/users/${(i % 50) + 1}` },
  { name: "list 50 with a filter", method: "GET", path: () => "/posts" },
  { name: "user → posts → comments tree", method: "GET", path: (i) => `/users/${(i % 50) + 1}/tree` },
  { name: "insert … returning", method: "POST", path: () => "/tags", body: (w) => ({ name: `${w.name}-${tagSeq++}` }) },
];

// The answers agree before anything is timed.
async function checkSame(ws) {
  const [m, h, d] = ws;
  // drizzle writes timestamps as `…T…:00.000Z` where serde writes `…T…:00Z`: compared
  // without them, the rest must be equal.
  const norm = (t) => JSON.stringify(JSON.parse(t), (k, v) => (k.endsWith("_at") ? undefined : v));
  for (const path of ["/users/7", "/posts", "/users/7/tree"]) {
    const [a, b, c] = await Promise.all(ws.map((w) => call(w, "GET", path)));
    if (a !== b) throw new Error(`mizzle and hand-written differ on ${path}:\n${a.slice(0, 400)}\n${b.slice(0, 400)}`);
    if (norm(a) !== norm(c)) throw new Error(`mizzle and drizzle differ on ${path}:\n${norm(a).slice(0, 400)}\n${norm(c).slice(0, 400)}`);
  }
  const tags = await Promise.all(ws.map((w) => call(w, "POST", "/tags", { name: `check-${w.name}` })));
  for (const t of tags) if (!JSON.parse(t).id) throw new Error(`insert-returning gave ${t}`);
  const counts = await Promise.all(ws.map((w) => call(w, "POST", `/samples/bulk?n=120`)));
  for (const c of counts) if (JSON.parse(c).changed !== 120) throw new Error(`bulk insert reported ${c}`);
  return [m, h, d];
}

// `n` requests, at most `c` in flight: requests/s, median latency, CPU ms per request.
async function load(w, route, n, c) {
  const latencies = [];
  let next = 0;
  const cpu0 = cpuSeconds(pids);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await call(w, route.method, route.path(i), route.body?.(w));
        latencies.push(performance.now() - s);
      }
    }),
  );
  const wall = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: n / wall,
    p50: latencies[Math.floor(latencies.length / 2)],
    cpu: ((cpuSeconds(pids) - cpu0) * 1000) / n,
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), "abc-seed-"));
const seedFile = join(dir, "seed.sql");
writeFileSync(seedFile, seedSql());
const workers = [];
let pids = [];
try {
  for (const n of names) workers.push(await start(n, seedFile));
  await checkSame(workers);
  pids = workerdPids();
  // mizzle's Worker again, each request counting its rows read and written
  // (`Db::track_usage`): what the cost guard's counting costs when it is on.
  workers.push({ ...workers[0], name: "mizzle+usage", headers: { "x-mizzle-usage": "1" } });
  // Warm up each Worker's isolate and D1 on every route.
  for (const w of workers) for (const r of routes) await load(w, r, 10, 2);
  const results = {}; // route → worker → [samples]
  for (let round = 0; round < rounds; round++) {
    const order = workers.map((_, i) => workers[(i + round) % workers.length]);
    for (const r of routes) {
      for (const w of order) {
        ((results[r.name] ??= {})[w.name] ??= []).push(await load(w, r, requests, concurrency));
      }
    }
    const bulkRoute = { name: `bulk insert of ${bulk} rows`, method: "POST", path: () => `/samples/bulk?n=${bulk}` };
    for (const w of order) {
      ((results[bulkRoute.name] ??= {})[w.name] ??= []).push(await load(w, bulkRoute, 1, 1));
    }
  }
  const pick = (route, w, k) => median(results[route][w].map((s) => s[k]));
  console.log(`workerd a/b/c on local D1: ${rounds} interleaved rounds of ${requests} requests per route and Worker, ${concurrency} in flight; medians over rounds`);
  console.log("");
  console.log("| route | mizzle req/s | hand-written req/s | drizzle-orm req/s | mizzle ÷ hand (time) | mizzle ÷ drizzle (time) | CPU ms/req mizzle / hand / drizzle |");
  console.log("|---|---:|---:|---:|---:|---:|---|");
  for (const route of Object.keys(results)) {
    const isBulk = route.startsWith("bulk");
    const v = (w) => (isBulk ? pick(route, w, "p50") : 1000 / pick(route, w, "rps"));
    const rps = (w) => (isBulk ? `${pick(route, w, "p50").toFixed(0)} ms` : pick(route, w, "rps").toFixed(0));
    const cpu = names.map((w) => pick(route, w, "cpu").toFixed(isBulk ? 0 : 2)).join(" / ");
    console.log(`| ${route} | ${rps("mizzle")} | ${rps("hand")} | ${rps("drizzle")} | ${(v("mizzle") / v("hand")).toFixed(2)} | ${(v("mizzle") / v("drizzle")).toFixed(2)} | ${cpu} |`);
  }
  console.log("");
  console.log("(bulk rows: the median time of one request instead of requests/s)");
  console.log("");
  console.log("| route | mizzle, counting rows read (÷ not counting, time) |");
  console.log("|---|---:|");
  for (const route of Object.keys(results)) {
    const isBulk = route.startsWith("bulk");
    const v = (w) => (isBulk ? pick(route, w, "p50") : 1000 / pick(route, w, "rps"));
    console.log(`| ${route} | ${(v("mizzle+usage") / v("mizzle")).toFixed(3)} |`);
  }
} finally {
  for (const w of workers.filter((w) => !w.headers)) await w.worker.dispose().catch(() => {});
  for (const w of workers.filter((w) => !w.headers)) rmSync(w.persist, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
