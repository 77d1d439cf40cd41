/**
 * Where an idle subscribed socket's bytes go. Starts Parlor (as `bun run start`
 * does, with heap-census.ts preloaded), signs up 10 users, opens N
 * authenticated sockets each subscribed to room.messages of one of N/10 rooms
 * (as the bench's idle scenario does), and takes a census of the server before
 * and after: RSS, the JavaScript heap, `bun:jsc`'s objects by type and a heap
 * snapshot's bytes by kind. Prints what each socket adds, biggest first, beside
 * the RSS per socket of the bare Bun server (bare-server.ts) under the same sockets.
 *
 *   bun tests/bench/idle-heap.ts [--n=1000] [--top=40] [--json=out.json] [--no-snapshot | --holders] [--smol] [--no-subscribe]
 *
 * `--smol`: Parlor runs under `bun --smol`. `--no-snapshot`: statistics only; a snapshot's own garbage (a string the size
 * of the heap) stays in RSS, so the RSS it reports beside a snapshot reads low.
 * In Bun's snapshots AbortController and AbortSignal are labelled "url ".
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BenchSocket, openMany } from "./bench-socket.ts";
import type { Census } from "./heap-census.ts";
import { freePort, ROOT, rssBytes } from "./procs.ts";
import { BENCH_LIMITS, benchUsers, startBare, tempDir } from "./servers.ts";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const N = Number(arg("n") ?? 1000);
const TOP = Number(arg("top") ?? 40);
const SETTLE_MS = 3000;
/** `--holders`: bytes by kind and first holder ("Set (object) <- Relay.riders"). */
const ASK = process.argv.includes("--no-snapshot")
  ? "stats"
  : process.argv.includes("--holders")
    ? "holders"
    : "census";
/** `--linger=S`: a last census S seconds later (does the heap give memory back by itself?). */
const LINGER_MS = Number(arg("linger") ?? 0) * 1000;
/** `--no-subscribe`: each socket signs in and makes one query, but subscribes to nothing (what the connection alone costs). */
const NO_SUBSCRIBE = process.argv.includes("--no-subscribe");
/** `--smol`: Parlor under `bun --smol` (a smaller heap, collected more often). */
const SMOL = process.argv.includes("--smol");

/** Parlor in a child with the census preloaded: `census()` asks it over IPC. */
async function startParlorWithCensus() {
  const dir = tempDir();
  const port = freePort();
  let answer: ((c: Census) => void) | null = null;
  const proc = Bun.spawn(
    [
      "bun",
      ...(SMOL ? ["--smol"] : []),
      "--preload",
      join(import.meta.dir, "heap-census.ts"),
      join(ROOT, "server/main.ts"),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        HOST: "127.0.0.1",
        PORT: String(port),
        NODE_ENV: "production",
        DATABASE_URL: `sqlite:${join(dir.path, "parlor.db")}`,
        ...BENCH_LIMITS,
      },
      stdout: "ignore",
      stderr: "inherit",
      ipc(message) {
        answer?.(message as Census);
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 200) throw new Error("Parlor did not start");
    await Bun.sleep(100);
  }
  return {
    url,
    wsUrl: `ws://127.0.0.1:${port}/trpc`,
    pid: proc.pid,
    census: () =>
      new Promise<Census>((resolve) => {
        answer = resolve;
        proc.send(ASK);
      }),
    async stop() {
      proc.kill("SIGTERM");
      await proc.exited;
      dir.remove();
    },
  };
}

/** What N sockets added, per socket: kinds by bytes, and `bun:jsc` types by count. */
function perSocket(before: Census, after: Census, n: number) {
  const kinds = Object.entries(after.kinds)
    .map(([kind, [bytes, count]]) => {
      const [b0, c0] = before.kinds[kind] ?? [0, 0];
      return { kind, bytes: (bytes - b0) / n, count: (count - c0) / n };
    })
    .filter((k) => Math.abs(k.bytes) >= 1 || Math.abs(k.count) >= 0.05)
    .sort((a, b) => b.bytes - a.bytes);
  const types = Object.entries(after.objectTypeCounts)
    .map(([type, count]) => ({ type, count: (count - (before.objectTypeCounts[type] ?? 0)) / n }))
    .filter((t) => Math.abs(t.count) >= 0.05)
    .sort((a, b) => b.count - a.count);
  const snapshotBytes = kinds.reduce((sum, k) => sum + k.bytes, 0);
  return {
    rss: (after.rss - before.rss) / n,
    heapSize: (after.heapSize - before.heapSize) / n,
    heapCapacity: (after.heapCapacity - before.heapCapacity) / n,
    extraMemory: (after.extraMemorySize - before.extraMemorySize) / n,
    objects: (after.objectCount - before.objectCount) / n,
    snapshotBytes,
    kinds,
    types,
  };
}

async function parlorRun() {
  const parlor = await startParlorWithCensus();
  try {
    const tokens = (await benchUsers(parlor.url, 10, "heap")).map((u) => u.token);
    const open = async (j: number) => {
      const s = await BenchSocket.open(parlor.wsUrl, tokens[j % tokens.length]);
      // Signed in (the context is made with the first frame), answered once, subscribed to nothing.
      if (NO_SUBSCRIBE) return (await s.call("query", "auth.me", undefined), s);
      await s.subscribe("room.messages", { room: `idle${j % Math.max(1, N / 10)}` }, () => {});
      return s;
    };
    // Warm the paths once, so the baseline is a running server, not a cold one.
    for (const s of await openMany(20, open)) s.close();
    await Bun.sleep(1000);
    const before = await parlor.census();
    const sockets = await openMany(N, open);
    await Bun.sleep(SETTLE_MS);
    const after = await parlor.census();
    if (LINGER_MS > 0) {
      await Bun.sleep(LINGER_MS);
      const later = await parlor.census();
      console.log(
        `after ${LINGER_MS / 1000} s more: RSS ${((later.rss - before.rss) / N / 1024).toFixed(1)} KiB per socket, heap capacity ${((later.heapCapacity - before.heapCapacity) / N).toFixed(0)} B`,
      );
    }
    const closed = sockets.filter((s) => s.closed).length;
    for (const s of sockets) s.close();
    if (closed) throw new Error(`${closed} sockets closed while idle`);
    return perSocket(before, after, N);
  } finally {
    await parlor.stop();
  }
}

async function bareRun(): Promise<number> {
  const bare = await startBare(null);
  try {
    const open = (j: number) => BenchSocket.open(`${bare.wsUrl}?room=idle${j % Math.max(1, N / 10)}`);
    for (const s of await openMany(20, open)) s.close();
    await Bun.sleep(1000);
    const before = rssBytes(bare.pid);
    const sockets = await openMany(N, open);
    await Bun.sleep(SETTLE_MS);
    const after = rssBytes(bare.pid);
    for (const s of sockets) s.close();
    return (after - before) / N;
  } finally {
    await bare.stop();
  }
}

const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 0);
const bare = await bareRun();
const p = await parlorRun();
console.log(`${N} idle sockets, each authenticated and subscribed to room.messages (${Math.max(1, N / 10)} rooms)`);
console.log(`RSS per socket: Parlor ${fmt(p.rss / 1024)} KiB (census RSS, after GC), bare ${fmt(bare / 1024)} KiB`);
console.log(
  `JS heap per socket: ${fmt(p.heapSize)} B live (heapStats), ${fmt(p.snapshotBytes)} B in the snapshot, ` +
    `${fmt(p.objects)} objects, extra memory ${fmt(p.extraMemory)} B; heap capacity ${fmt(p.heapCapacity)} B`,
);
console.log(`\nbytes per socket by kind (heap snapshot self sizes), top ${TOP}:`);
for (const k of p.kinds.slice(0, TOP))
  console.log(`  ${fmt(k.bytes).padStart(8)} B  ${fmt(k.count).padStart(6)} ×  ${k.kind}`);
console.log(`\nobjects per socket by type (bun:jsc objectTypeCounts), top ${TOP}:`);
for (const t of p.types.slice(0, TOP)) console.log(`  ${fmt(t.count).padStart(6)} ×  ${t.type}`);
const json = arg("json");
if (json) writeFileSync(json, JSON.stringify({ n: N, bareRssPerSocket: bare, parlor: p }, null, 2));
process.exit(0);
