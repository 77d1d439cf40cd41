/**
 * `bun run bench` (a few minutes) and `bun run bench -- --quick` (under a minute):
 * Parlor next to its ceiling, scenario by scenario, in one run on this machine.
 * Starts every server it measures (loopback only) and stops it; prints a markdown
 * table and writes it, with the raw JSON, under tests/bench/results/. Exits
 * non-zero when any run lost or duplicated a delivery, or failed a call.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPostgresSchema } from "../support/backends.ts";
import type { Job, PhaseResult } from "./loadgen.ts";
import { nodesScenario } from "./nodes.ts";
import {
  cores,
  cpuSeconds,
  freePort,
  GENERATOR_CPU,
  pinned,
  pinning,
  processTree,
  ROOT,
  SERVER_CPU,
  spawnChild,
} from "./procs.ts";
import { type Row, renderMarkdown } from "./report.ts";
import {
  BENCH_PASSWORD,
  benchUsers,
  startBare,
  startBareStore,
  startBareUpload,
  startParlor,
  tempDir,
} from "./servers.ts";
import type { SqlJob } from "./sql-bench.ts";

const quick = process.argv.includes("--quick");
const only = process.argv
  .find((a) => a.startsWith("--only="))
  ?.slice(7)
  .split(",");
/** `--idle=1000,10000`: the idle scenario's sizes, whatever the run's (e.g. a quick run of idle at 10,000). */
const idleSizes = process.argv
  .find((a) => a.startsWith("--idle="))
  ?.slice(7)
  .split(",")
  .map(Number);
const outDir = process.argv.find((a) => a.startsWith("--out="))?.slice(6) ?? join(import.meta.dir, "results");

/** Sizes: --quick keeps every scenario but shrinks it. */
const S = quick
  ? {
      fanoutN: [100, 1000],
      maxSeconds: 1.5,
      rateSeconds: 1.5,
      sustainSeconds: 3,
      rooms: 200,
      roomsRate: 500,
      roomsSeconds: 1.5,
      idle: [1000],
      burst: 1000,
      sendSeconds: 1.5,
      bigRoom: 20_000,
      histRooms: 100,
      perRoom: 300,
      histIter: 200,
      logins: 10,
      floodSeconds: 1.5,
      redisN: 300,
      uploadSeconds: 2,
      nodes: { roomsPerNode: 10, members: 24, ratePerNode: 50, warmupSeconds: 1, seconds: 3, rounds: 1 },
    }
  : {
      fanoutN: [100, 1000, 5000],
      maxSeconds: 5,
      rateSeconds: 5,
      sustainSeconds: 30,
      rooms: 200,
      roomsRate: 2000,
      roomsSeconds: 5,
      idle: [1000, 10_000],
      burst: 1000,
      sendSeconds: 5,
      bigRoom: 500_000,
      histRooms: 1000,
      perRoom: 500,
      histIter: 2000,
      logins: 50,
      floodSeconds: 5,
      redisN: 1000,
      uploadSeconds: 5,
      // 50 msg/s per node: three nodes share the server core, and must fit on it for "stored per node" to mean anything.
      nodes: { roomsPerNode: 20, members: 24, ratePerNode: 50, warmupSeconds: 2, seconds: 8, rounds: 2 },
    };

const rows: Row[] = [];
const failures: string[] = [];
const raw: Record<string, unknown> = {};
const want = (name: string) => !only || only.includes(name);
const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

async function gen<T>(job: Job, cpu: string | null = GENERATOR_CPU): Promise<T> {
  const child = spawnChild(pinned(cpu, ["bun", join(import.meta.dir, "loadgen.ts"), JSON.stringify(job)]));
  const m = await child.line(/^RESULT (.*)$/, 15 * 60_000);
  await child.stop();
  return JSON.parse(m[1]!) as T;
}

async function sql<T>(job: SqlJob): Promise<T> {
  const child = spawnChild(pinned(SERVER_CPU, ["bun", join(import.meta.dir, "sql-bench.ts"), JSON.stringify(job)]));
  const m = await child.line(/^RESULT (.*)$/, 10 * 60_000);
  await child.stop();
  return JSON.parse(m[1]!) as T;
}

/** Loss, duplicates and failed calls fail the run: they are recorded here and end in a non-zero exit. */
function account(
  what: string,
  r: { expected: number; received: number; duplicates: number; lost: number; errors: number; firstError?: string },
) {
  const problems = [];
  if (r.lost > 0) problems.push(`${r.lost} of ${r.expected} deliveries lost`);
  if (r.duplicates > 0) problems.push(`${r.duplicates} duplicates`);
  if (r.errors > 0) problems.push(`${r.errors} failed calls (${r.firstError})`);
  if (problems.length) failures.push(`${what}: ${problems.join(", ")}`);
}

const phase = (res: { phases: PhaseResult[] }, name: string) => res.phases.find((p) => p.name === name)!;
const k = (n: number) => Math.round(n);
const ms = (n: number) => Math.round(n * 1000) / 1000;

// ------------------------------------------------------------------ fan-out

async function fanout() {
  for (const n of S.fanoutN) {
    for (const payload of n === 1000 ? [100, 1024] : [100]) {
      // Fresh servers for each size: an overloaded run's backlog must not slow the next one's set-up.
      const bare = await startBare();
      const parlor = await startParlor();
      try {
        const [sender] = await benchUsers(parlor.url, 1, "sender");
        const tag = `fan-out N=${n}, ${payload} B`;
        const max = { name: "max", mode: "max" as const, window: 8, seconds: S.maxSeconds, maxMessages: 400_000 };
        const extra = payload === 100;
        log(`${tag}: bare`);
        const b = await gen<{ phases: PhaseResult[] }>({
          kind: "fanout",
          target: "bare",
          wsUrl: bare.wsUrl,
          n,
          room: `fan${n}`,
          payload,
          serverPids: [bare.pid],
          phases: [
            max,
            ...(extra
              ? [{ name: "half", mode: "relative" as const, phase: "max", factor: 0.5, seconds: S.rateSeconds }]
              : []),
            ...(extra && n === 1000 ? [{ name: "r50", mode: "rate" as const, rate: 50, seconds: S.rateSeconds }] : []),
            ...(extra && n === 100 ? [{ name: "r100", mode: "rate" as const, rate: 100, seconds: S.rateSeconds }] : []),
          ],
        });
        const bareTop = phase(b, "max").messagesPerSecond;
        log(`${tag}: parlor (bare top ${k(bareTop)} msg/s)`);
        const p = await gen<{ phases: PhaseResult[] }>({
          kind: "fanout",
          target: "parlor",
          wsUrl: parlor.wsUrl,
          n,
          room: `fan${n}_${payload}`,
          token: sender!.token,
          payload,
          serverPids: [parlor.pid],
          phases: [
            max,
            ...(extra ? [{ name: "half", mode: "rate" as const, rate: bareTop / 2, seconds: S.rateSeconds }] : []),
            ...(extra && n === 100 ? [{ name: "r100", mode: "rate" as const, rate: 100, seconds: S.rateSeconds }] : []),
            ...(extra && n === 1000
              ? [
                  { name: "r50", mode: "rate" as const, rate: 50, seconds: S.rateSeconds },
                  { name: "sustain", mode: "rate" as const, rate: 150, seconds: S.sustainSeconds },
                ]
              : []),
          ],
        });
        raw[tag] = { bare: b, parlor: p };
        for (const [who, r] of [
          ["bare", b],
          ["parlor", p],
        ] as const)
          for (const ph of r.phases) account(`${tag} ${who} ${ph.name}`, ph);
        const pm = phase(p, "max");
        const bm = phase(b, "max");
        rows.push({
          scenario: tag,
          metric: "deliveries/s, max rate",
          unit: "/s",
          parlor: k(pm.deliveriesPerSecond),
          ceiling: k(bm.deliveriesPerSecond),
          target: (n === 100 || n === 1000) && payload === 100 ? { ratioAtLeast: 0.8 } : undefined,
          note: `server CPU ${pct(pm.serverCpu)} vs ${pct(bm.serverCpu)}; generator CPU ${pct(pm.generatorCpu)} vs ${pct(bm.generatorCpu)}`,
        });
        rows.push({
          scenario: tag,
          metric: "p99 delivery latency at max rate",
          unit: "ms",
          parlor: pm.latency.p99,
          ceiling: bm.latency.p99,
        });
        if (extra) {
          const ph = phase(p, "half");
          const bh = phase(b, "half");
          rows.push({
            scenario: tag,
            metric: `p99 latency at half the bare top rate (${k(bareTop / 2)} msg/s open loop)`,
            unit: "ms",
            parlor: ph.latency.p99,
            ceiling: bh.latency.p99,
            target: n === 100 || n === 1000 ? { ratioAtMost: 1.5 } : undefined,
            note: `delivered ${k(ph.deliveriesPerSecond)}/s vs ${k(bh.deliveriesPerSecond)}/s`,
          });
        }
        /** A light load's p99 (what a reader waits for when the server is far from busy), next to the bare server's. */
        const lightLoad = (rate: number, target: Row["target"]) => {
          const pl = phase(p, `r${rate}`);
          rows.push({
            scenario: tag,
            metric: `p99 send→deliver at ${rate} msg/s (open loop)`,
            unit: "ms",
            parlor: pl.latency.p99,
            ceiling: phase(b, `r${rate}`).latency.p99,
            target,
            note: `ack p99 ${pl.ack?.p99} ms`,
          });
        };
        if (extra && n === 100) lightLoad(100, { ratioAtMost: 1.5 });
        if (extra && n === 1000) {
          lightLoad(50, { parlorAtMost: 5 });
          const ps = phase(p, "sustain");
          rows.push({
            scenario: tag,
            metric: `deliveries/s sustained for ${S.sustainSeconds} s at 150 msg/s, zero loss`,
            unit: "/s",
            parlor: k(ps.deliveriesPerSecond),
            ceiling: null,
            target: { parlorAtLeast: 150_000, alsoZeroLoss: ps.lost === 0 && ps.duplicates === 0 },
            note: `p99 ${ps.latency.p99} ms; lost ${ps.lost}, duplicates ${ps.duplicates}; server CPU ${pct(ps.serverCpu)}`,
          });
        }
      } finally {
        await bare.stop();
        await parlor.stop();
      }
    }
  }
}

const pct = (f: number) => `${Math.round(f * 100)} %`;

// ------------------------------------------------------------------ many rooms

async function manyRooms() {
  const bare = await startBare();
  const parlor = await startParlor();
  try {
    const tokens = (await benchUsers(parlor.url, 10, "member")).map((u) => u.token);
    const tag = `many rooms: ${S.rooms} × 5 members, each sending, 100 B`;
    const phases = [
      { name: "rate", mode: "rate" as const, rate: S.roomsRate, seconds: S.roomsSeconds },
      { name: "max", mode: "max" as const, window: 1, seconds: S.roomsSeconds, maxMessages: 2_000_000 },
    ];
    log(`${tag}: bare`);
    const b = await gen<{ phases: PhaseResult[] }>({
      kind: "rooms",
      target: "bare",
      wsUrl: bare.wsUrl,
      rooms: S.rooms,
      members: 5,
      tokens: [],
      payload: 100,
      phases,
      serverPids: [bare.pid],
    });
    log(`${tag}: parlor`);
    const p = await gen<{ phases: PhaseResult[] }>({
      kind: "rooms",
      target: "parlor",
      wsUrl: parlor.wsUrl,
      rooms: S.rooms,
      members: 5,
      tokens,
      payload: 100,
      phases,
      serverPids: [parlor.pid],
    });
    // A storing ceiling too: the bare store-then-publish server speaks Parlor's frames, so the generator drives it as Parlor.
    const storeDir = tempDir();
    const store = await startBareStore(join(storeDir.path, "rooms.db"));
    log(`${tag}: bare store-then-publish`);
    let st: { phases: PhaseResult[] };
    try {
      st = await gen<{ phases: PhaseResult[] }>({
        kind: "rooms",
        target: "parlor",
        wsUrl: store.wsUrl,
        rooms: S.rooms,
        members: 5,
        tokens: ["t"],
        payload: 100,
        phases,
        serverPids: [store.pid],
      });
    } finally {
      await store.stop();
      storeDir.remove();
    }
    raw[tag] = { bare: b, parlor: p, bareStore: st };
    for (const [who, r] of [
      ["bare", b],
      ["parlor", p],
      ["bare store", st],
    ] as const)
      for (const ph of r.phases) account(`${tag} ${who} ${ph.name}`, ph);
    const pr = phase(p, "rate");
    const br = phase(b, "rate");
    rows.push({
      scenario: tag,
      metric: `p99 latency at ${S.roomsRate} msg/s in all (open loop)`,
      unit: "ms",
      parlor: pr.latency.p99,
      ceiling: br.latency.p99,
      note: `ack p99 ${pr.ack?.p99} ms`,
    });
    const pm = phase(p, "max");
    const bm = phase(b, "max");
    rows.push({
      scenario: tag,
      metric: "deliveries/s, each member one message in flight [ceiling: bare server.publish, stores nothing]",
      unit: "/s",
      parlor: k(pm.deliveriesPerSecond),
      ceiling: k(bm.deliveriesPerSecond),
      target: { ratioAtLeast: 0.5 },
      note: `server CPU ${pct(pm.serverCpu)} vs ${pct(bm.serverCpu)}; generator ${pct(pm.generatorCpu)} vs ${pct(bm.generatorCpu)}`,
    });
    const sm = phase(st, "max");
    rows.push({
      scenario: tag,
      metric:
        "deliveries/s, each member one message in flight [ceiling: bare store-then-publish, same schema, group commit]",
      unit: "/s",
      parlor: k(pm.deliveriesPerSecond),
      ceiling: k(sm.deliveriesPerSecond),
      note: `bare store: server CPU ${pct(sm.serverCpu)}, generator ${pct(sm.generatorCpu)}; its p99 at ${S.roomsRate} msg/s ${phase(st, "rate").latency.p99} ms`,
    });
  } finally {
    await bare.stop();
    await parlor.stop();
  }
}

// ------------------------------------------------------------------ idle connections

async function idle() {
  type Idle = {
    rssPerConnection: number;
    idleServerCpu: number;
    connectSeconds: number;
    closedDuringRun: number;
    rssAfter: number;
  };
  for (const n of idleSizes ?? S.idle) {
    const bare = await startBare();
    const job = { kind: "idle" as const, n, rooms: Math.max(1, n / 10), settleSeconds: 3, idleSeconds: 5 };
    log(`idle ${n}: bare`);
    const b = await gen<Idle>({ ...job, target: "bare", wsUrl: bare.wsUrl, tokens: [], serverPids: [bare.pid] });
    await bare.stop();
    const parlor = await startParlor();
    const tokens = (await benchUsers(parlor.url, 10, "idle")).map((u) => u.token);
    log(`idle ${n}: parlor`);
    const p = await gen<Idle>({ ...job, target: "parlor", wsUrl: parlor.wsUrl, tokens, serverPids: [parlor.pid] });
    await parlor.stop();
    raw[`idle ${n}`] = { bare: b, parlor: p };
    for (const [who, r] of [
      ["bare", b],
      ["parlor", p],
    ] as const)
      if (r.closedDuringRun) failures.push(`idle ${n} ${who}: ${r.closedDuringRun} connections closed while idle`);
    const tag = `idle: ${n.toLocaleString("en")} sockets (Parlor: authenticated, 10 users), each subscribed to 1 room`;
    rows.push({
      scenario: tag,
      metric: "RSS per connection",
      unit: "KiB",
      parlor: Math.round(p.rssPerConnection / 102.4) / 10,
      ceiling: Math.round(b.rssPerConnection / 102.4) / 10,
      target: { ratioAtMost: 1.5 },
      note: `RSS with all open ${Math.round(p.rssAfter / 2 ** 20)} vs ${Math.round(b.rssAfter / 2 ** 20)} MiB`,
    });
    rows.push({
      scenario: tag,
      metric: "server CPU while idle",
      unit: "% of a core",
      parlor: Math.round(p.idleServerCpu * 1000) / 10,
      ceiling: Math.round(b.idleServerCpu * 1000) / 10,
    });
    rows.push({
      scenario: tag,
      metric: "time to open and subscribe all (200 at a time)",
      unit: "s",
      parlor: ms(p.connectSeconds),
      ceiling: ms(b.connectSeconds),
    });
  }

  // A burst: every connect started at once, each timed to its first usable answer.
  type Burst = {
    seconds: number;
    latency: { p50: number; p99: number };
    serverCpu: number;
    errors: number;
    firstError?: string;
  };
  const n = S.burst;
  const job = { kind: "handshake" as const, n, rooms: Math.max(1, n / 10) };
  const bare = await startBare();
  log(`handshake burst ${n}: bare`);
  const b = await gen<Burst>({ ...job, target: "bare", wsUrl: bare.wsUrl, tokens: [], serverPids: [bare.pid] });
  await bare.stop();
  const parlor = await startParlor();
  const tokens = (await benchUsers(parlor.url, 10, "burst")).map((u) => u.token);
  log(`handshake burst ${n}: parlor`);
  const p = await gen<Burst>({ ...job, target: "parlor", wsUrl: parlor.wsUrl, tokens, serverPids: [parlor.pid] });
  await parlor.stop();
  raw.handshake = { bare: b, parlor: p };
  for (const [who, r] of [
    ["bare", b],
    ["parlor", p],
  ] as const)
    if (r.errors) failures.push(`handshake burst ${who}: ${r.errors} connects failed (${r.firstError})`);
  const tag = `handshake burst: ${n.toLocaleString("en")} connects at once (Parlor: bearer token in connectionParams, 10 users)`;
  rows.push({
    scenario: tag,
    metric: "p99 connect → first answer (room.messages `started`; bare: its SUBSCRIBE answer)",
    unit: "ms",
    parlor: p.latency.p99,
    ceiling: b.latency.p99,
    target: { ratioAtMost: 3 },
    note: `p50 ${p.latency.p50} vs ${b.latency.p50} ms; all answered in ${ms(p.seconds)} vs ${ms(b.seconds)} s; server CPU ${Math.round(p.serverCpu * 100)} vs ${Math.round(b.serverCpu * 100)} %`,
  });
}

// ------------------------------------------------------------------ send path

async function sendPath() {
  type Send = {
    messagesPerSecond: number;
    ack: { p99: number; p50: number };
    serverCpu: number;
    generatorCpu: number;
    expected: number;
    received: number;
    duplicates: number;
    lost: number;
    errors: number;
    firstError?: string;
  };
  const dir = tempDir();
  log("send path: bare insert loop");
  const bare = await sql<{ messagesPerSecond: number; latency: { p99: number } }>({
    kind: "insert",
    path: join(dir.path, "bare.db"),
    seconds: S.sendSeconds,
    maxMessages: 2_000_000,
    rooms: 4,
    payload: 100,
  });
  dir.remove();
  const out: Record<string, Send> = {};
  for (const transport of ["ws", "http"] as const) {
    const parlor = await startParlor();
    const tokens = (await benchUsers(parlor.url, 4, "sender")).map((u) => u.token);
    log(`send path: room.send over ${transport}`);
    out[transport] = await gen<Send>({
      kind: "send",
      transport,
      url: parlor.url,
      wsUrl: parlor.wsUrl,
      tokens,
      window: 8,
      seconds: S.sendSeconds,
      maxMessages: 2_000_000,
      payload: 100,
      serverPids: [parlor.pid],
    });
    account(`send path ${transport}`, out[transport]);
    await parlor.stop();
  }
  // The issue's shape: 20 senders × 20 in flight (closed loop) into one room that 5 more members watch.
  const busy = {
    kind: "send" as const,
    transport: "ws" as const,
    window: 20,
    seconds: S.sendSeconds,
    maxMessages: 2_000_000,
    payload: 100,
    room: "busy",
    listeners: 5,
  };
  // The ceiling the send path is held to: a bare Bun server storing in the same schema with group commit, publishing after it.
  const storeDir = tempDir();
  const store = await startBareStore(join(storeDir.path, "bare-store.db"));
  log("send path: bare store-then-publish server");
  const ref = await gen<Send>({
    ...busy,
    url: store.url,
    wsUrl: store.wsUrl,
    tokens: Array.from({ length: 25 }, (_, i) => `t${i}`).slice(0, 20),
    serverPids: [store.pid],
  });
  account("send path bare store", ref);
  await store.stop();
  storeDir.remove();
  const parlorBusy = await startParlor();
  let busyWs: Send;
  try {
    const tokens = (await benchUsers(parlorBusy.url, 20, "busy")).map((u) => u.token);
    log("send path: room.send over ws, 20 senders into one room");
    busyWs = await gen<Send>({
      ...busy,
      url: parlorBusy.url,
      wsUrl: parlorBusy.wsUrl,
      tokens,
      serverPids: [parlorBusy.pid],
    });
    account("send path busy room", busyWs);
  } finally {
    await parlorBusy.stop();
  }
  // The same load on PostgreSQL: commits batched across concurrent sends.
  let pg: Send | undefined;
  try {
    const schema = await createPostgresSchema();
    const parlor = await startParlor({ env: { DATABASE_URL: schema.url } });
    try {
      const tokens = (await benchUsers(parlor.url, 20, "pgsender")).map((u) => u.token);
      log("send path: room.send over ws on PostgreSQL, 20 senders into one room");
      pg = await gen<Send>({ ...busy, url: parlor.url, wsUrl: parlor.wsUrl, tokens, serverPids: [parlor.pid] });
      account("send path postgres", pg);
    } finally {
      await parlor.stop();
      await schema.drop();
    }
  } catch (error) {
    failures.push(`send path on PostgreSQL: ${error instanceof Error ? error.message : error}`);
  }
  raw.send = { bare, ref, busy: busyWs, pg, ...out };
  const refTag =
    "send path: 20 senders × 20 in flight into one room, 5 more members watching, vs a bare store-then-publish server (same schema, WAL + synchronous=NORMAL, group commit per turn, publish after commit)";
  rows.push({
    scenario: refTag,
    metric: "messages/s stored, published and acknowledged over WebSocket",
    unit: "/s",
    parlor: k(busyWs.messagesPerSecond),
    ceiling: k(ref.messagesPerSecond),
    target: { ratioAtLeast: 0.7 },
    note: `server CPU ${pct(busyWs.serverCpu)} vs ${pct(ref.serverCpu)}; generator CPU ${pct(busyWs.generatorCpu)} vs ${pct(ref.generatorCpu)}`,
  });
  rows.push({
    scenario: refTag,
    metric: "ack p99 over WebSocket",
    unit: "ms",
    parlor: busyWs.ack.p99,
    ceiling: ref.ack.p99,
    target: { ratioAtMost: 2 },
  });
  if (pg)
    rows.push({
      scenario: refTag,
      metric: "messages/s on PostgreSQL (stored and acknowledged)",
      unit: "/s",
      parlor: k(pg.messagesPerSecond),
      ceiling: null,
      target: { parlorAtLeast: 10_000 },
      note: `ack p99 ${pg.ack.p99} ms; server CPU ${pct(pg.serverCpu)}`,
    });
  const tag = "send path: stored and published, acknowledged (4 users × 8 in flight, 4 rooms)";
  for (const t of ["ws", "http"] as const) {
    rows.push({
      scenario: tag,
      metric: `messages/s, room.send over ${t === "ws" ? "WebSocket" : "HTTP"} vs bare bun:sqlite insert loop`,
      unit: "/s",
      parlor: k(out[t]!.messagesPerSecond),
      ceiling: k(bare.messagesPerSecond),
      target: { parlorAtLeast: 20_000, ratioAtLeast: 0.5 },
      note: `server CPU ${pct(out[t]!.serverCpu)}`,
    });
    rows.push({
      scenario: tag,
      metric: `ack p99 over ${t === "ws" ? "WebSocket" : "HTTP"} (bare: one insert transaction)`,
      unit: "ms",
      parlor: out[t]!.ack.p99,
      ceiling: bare.latency.p99,
      target: { parlorAtMost: 10 },
    });
  }
}

// ------------------------------------------------------------------ history

async function history() {
  const dir = tempDir();
  const path = join(dir.path, "history.db");
  log(`history: filling ${S.bigRoom + S.histRooms * S.perRoom} rows`);
  const filled = await sql<{ rows: number; seconds: number }>({
    kind: "populate",
    path,
    bigRoom: S.bigRoom,
    rooms: S.histRooms,
    perRoom: S.perRoom,
  });
  const queries = [
    { name: `newest page, room of ${S.bigRoom.toLocaleString("en")}`, room: "big", limit: 50 },
    {
      name: `page after a cursor (mid-room), room of ${S.bigRoom.toLocaleString("en")}`,
      room: "big",
      before: Math.floor(S.bigRoom / 2),
      limit: 50,
    },
    {
      name: `newest page, one of ${S.histRooms} rooms of ${S.perRoom}`,
      room: `h${Math.floor(S.histRooms / 2)}`,
      limit: 50,
    },
    {
      name: `page after a cursor, one of ${S.histRooms} rooms of ${S.perRoom}`,
      room: `h${Math.floor(S.histRooms / 2)}`,
      before: Math.floor(S.perRoom / 2),
      limit: 50,
    },
  ];
  /** The same pages asked of Parlor (over both transports) and of the bare server. */
  const pages = queries.map((q) => ({
    name: q.name,
    expect: q.limit,
    input: { room: q.room, limit: q.limit, ...(q.before ? { before: q.before } : {}) },
  }));
  log("history: direct SQL vs repository");
  type Lat = { p50: number; p99: number };
  const inProcess = await sql<Record<string, { direct: Lat; repository: Lat }>>({
    kind: "history",
    path,
    queries,
    iterations: S.histIter,
    warmup: 200,
  });
  const parlor = await startParlor({ databasePath: path });
  const over: Record<string, Record<string, { latency: Lat; errors: number }>> = {};
  try {
    for (const transport of ["ws", "http"] as const) {
      log(`history: room.history over ${transport}`);
      over[transport] = await gen({
        kind: "history",
        transport,
        url: parlor.url,
        wsUrl: parlor.wsUrl,
        iterations: S.histIter,
        warmup: 200,
        serverPids: [parlor.pid],
        queries: pages,
      });
    }
  } finally {
    await parlor.stop();
  }
  // The same pages over WebSocket from a bare Bun server (same SQL on bun:sqlite, same JSON), with the same generator.
  const store = await startBareStore(path);
  let bareWs: Record<string, { latency: Lat; errors: number }>;
  try {
    log("history: bare server over ws");
    bareWs = await gen({
      kind: "history",
      transport: "ws",
      url: store.url,
      wsUrl: store.wsUrl,
      iterations: S.histIter,
      warmup: 200,
      serverPids: [store.pid],
      queries: pages,
    });
  } finally {
    await store.stop();
    dir.remove();
  }
  raw.history = { filled, inProcess, over, bareWs };
  const tag = `history at ${filled.rows.toLocaleString("en")} stored messages (SQLite, warm; 50 per page)`;
  for (const q of queries) {
    const ip = inProcess[q.name]!;
    rows.push({
      scenario: tag,
      metric: `${q.name}: repository (Kysely) vs the same SQL on bun:sqlite, in process`,
      unit: "ms p99",
      parlor: ip.repository.p99,
      ceiling: ip.direct.p99,
      target: { parlorAtMost: 1, ratioAtMost: 1.5 },
    });
    for (const t of ["ws", "http"] as const) {
      const r = over[t]![q.name]!;
      if (r.errors) failures.push(`history ${q.name} over ${t}: ${r.errors} pages of the wrong length`);
      const ceiling = t === "ws" ? bareWs[q.name]! : null;
      if (ceiling?.errors)
        failures.push(`history ${q.name} over ws from the bare server: ${ceiling.errors} pages of the wrong length`);
      rows.push({
        scenario: tag,
        metric: `${q.name}: room.history over ${t === "ws" ? "WebSocket [ceiling: the same page from a bare Bun WebSocket server]" : "HTTP [ceiling: the SQL in process]"}, round trip`,
        unit: "ms p99",
        parlor: r.latency.p99,
        ceiling: ceiling ? ceiling.latency.p99 : ip.direct.p99,
        target: t === "ws" ? { parlorAtMost: 1 } : undefined,
        note: `p50 ${r.latency.p50} ms${ceiling ? ` vs ${ceiling.latency.p50} ms` : ""}`,
      });
    }
  }
}

// ------------------------------------------------------------------ hardening

async function hardening() {
  type Logins = {
    baseline: { p99: number };
    burst: { p99: number };
    burstSeconds: number;
    loginsOk: number;
    logins: number;
    observerErrors: number;
  };
  const out: Record<string, Logins> = {};
  // Not pinned: password hashes run on Bun's thread pool, and leaving a core free is the point.
  for (const [name, concurrency] of [
    ["default", undefined],
    ["64", "64"],
  ] as const) {
    const parlor = await startParlor({ cpu: null, env: concurrency ? { HASH_CONCURRENCY: concurrency } : {} });
    try {
      const [observer, target] = await benchUsers(parlor.url, 2, "login");
      log(`hardening: ${S.logins} logins, HASH_CONCURRENCY ${name}`);
      out[name] = await gen<Logins>(
        {
          kind: "logins",
          url: parlor.url,
          observerToken: observer!.token,
          username: target!.username,
          password: BENCH_PASSWORD,
          burst: S.logins,
          observerRate: 100,
          baselineSeconds: 1,
          serverPids: [parlor.pid],
        },
        null,
      );
      if (out[name]!.loginsOk !== S.logins || out[name]!.observerErrors)
        failures.push(
          `login burst (${name}): ${out[name]!.loginsOk}/${S.logins} logins, ${out[name]!.observerErrors} observer errors`,
        );
    } finally {
      await parlor.stop();
    }
  }
  const tag = `hardening: other clients during a burst of ${S.logins} logins (not pinned)`;
  const hc = Math.max(1, cores - 1);
  rows.push({
    scenario: tag,
    metric: `auth.me p99 over HTTP at 100/s, HASH_CONCURRENCY default (${hc}) [ceiling column: same, no burst]`,
    unit: "ms",
    parlor: out.default!.burst.p99,
    ceiling: out.default!.baseline.p99,
    note: `burst took ${ms(out.default!.burstSeconds)} s`,
  });
  rows.push({
    scenario: tag,
    metric: "auth.me p99, HASH_CONCURRENCY 64 [ceiling column: same, no burst]",
    unit: "ms",
    parlor: out["64"]!.burst.p99,
    ceiling: out["64"]!.baseline.p99,
    note: `burst took ${ms(out["64"]!.burstSeconds)} s`,
  });

  type Flood = {
    calm: { others: { p99: number }; otherErrors: number };
    flood: { others: { p99: number }; otherErrors: number; flooderAccepted: number; flooderRefused: number };
  };
  const parlor = await startParlor({ env: { SEND_BURST: "20", SEND_PER_SECOND: "5" } });
  try {
    const users = await benchUsers(parlor.url, 6, "flood");
    log("hardening: one user floods, five send at 2 msg/s");
    const f = await gen<Flood>({
      kind: "flood",
      wsUrl: parlor.wsUrl,
      flooderToken: users[0]!.token,
      otherTokens: users.slice(1).map((u) => u.token),
      otherRate: 2,
      seconds: S.floodSeconds,
      flooderWindow: 16,
      serverPids: [parlor.pid],
    });
    raw.hardening = { logins: out, flood: f };
    if (f.calm.otherErrors || f.flood.otherErrors)
      failures.push(
        `flood: other users' sends failed (${f.calm.otherErrors} calm, ${f.flood.otherErrors} during the flood)`,
      );
    rows.push({
      scenario: "hardening: one user floods room.send (default limits: burst 20, 5/s), five others send 2 msg/s each",
      metric: "others' send ack p99 during the flood [ceiling column: without it]",
      unit: "ms",
      parlor: f.flood.others.p99,
      ceiling: f.calm.others.p99,
      note: `flooder: ${f.flood.flooderAccepted} accepted, ${f.flood.flooderRefused} refused (TOO_MANY_REQUESTS)`,
    });
  } finally {
    await parlor.stop();
  }
}

// ------------------------------------------------------------------ 2 processes with Redis

async function redis() {
  const tag = `fan-out N=${S.redisN}, 100 B: 2 processes with Redis vs 1 process (neither pinned)`;
  const layer = join(ROOT, "server/groups/redis.ts");
  if (!existsSync(layer) || !Bun.which("redis-server")) {
    rows.push({
      scenario: tag,
      metric: "not measured",
      unit: "",
      parlor: null,
      ceiling: null,
      note: !existsSync(layer) ? "no Redis group layer in the tree" : "redis-server is not installed",
    });
    return;
  }
  const port = freePort();
  const redisProc = spawnChild([
    "redis-server",
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  await redisProc.line(/Ready to accept connections/);
  type Fan = { phases: PhaseResult[] };
  const results: Record<string, { r: Fan; cpu: number; redisCpu: number }> = {};
  try {
    for (const [name, env] of [
      ["1 process", {}],
      ["2 processes + Redis", { WORKERS: "2", REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_PREFIX: `bench${port}:` }],
    ] as const) {
      const parlor = await startParlor({ cpu: null, env });
      try {
        const [sender] = await benchUsers(parlor.url, 1, "redis");
        const pids = processTree(parlor.pid);
        log(`redis: ${name} (pids ${pids.join(",")})`);
        const redisCpu0 = cpuSeconds(redisProc.pid);
        const t0 = performance.now();
        const r = await gen<Fan>(
          {
            kind: "fanout",
            target: "parlor",
            wsUrl: parlor.wsUrl,
            n: S.redisN,
            room: "redis",
            token: sender!.token,
            payload: 100,
            serverPids: pids,
            phases: [{ name: "max", mode: "max", window: 8, seconds: S.maxSeconds, maxMessages: 400_000 }],
          },
          null,
        );
        const redisCpu = (cpuSeconds(redisProc.pid) - redisCpu0) / ((performance.now() - t0) / 1000);
        results[name] = { r, cpu: phase(r, "max").serverCpu, redisCpu };
        account(`${tag} ${name}`, phase(r, "max"));
      } finally {
        await parlor.stop();
      }
    }
  } finally {
    await redisProc.stop();
  }
  raw.redis = results;
  const one = results["1 process"]!;
  const two = results["2 processes + Redis"]!;
  const perCpu = (x: typeof one) => phase(x.r, "max").deliveriesPerSecond / Math.max(0.01, x.cpu);
  rows.push({
    scenario: tag,
    metric: "deliveries/s per server CPU (server processes' CPU, Redis's not counted) [ceiling column: 1 process]",
    unit: "/s per core",
    parlor: k(perCpu(two)),
    ceiling: k(perCpu(one)),
    target: { ratioAtLeast: 0.7 },
    note: `deliveries/s ${k(phase(two.r, "max").deliveriesPerSecond)} vs ${k(phase(one.r, "max").deliveriesPerSecond)}; server CPU ${pct(two.cpu)} vs ${pct(one.cpu)}; redis-server CPU ${pct(two.redisCpu)}`,
  });
}

// ------------------------------------------------------------------ 3 nodes, each in its own network namespace

async function nodes() {
  const out = await nodesScenario(S.nodes, log);
  rows.push(...out.rows);
  failures.push(...out.failures);
  raw.nodes = out.raw;
}

// ------------------------------------------------------------------ metrics cost

/**
 * The same Parlor with metrics off and on (METRICS_TOKEN set, /metrics scraped
 * every second while it runs: far more often than Prometheus's usual 15 s), on
 * the send path and on fan-out. "ceiling" is metrics off; the target is ≥ 0.95 of it.
 */
async function metricsCost() {
  const token = "bench-metrics-token-0123456789";
  type Send = {
    messagesPerSecond: number;
    ack: { p99: number };
    serverCpu: number;
    expected: number;
    received: number;
    duplicates: number;
    lost: number;
    errors: number;
    firstError?: string;
  };
  type Fan = { phases: PhaseResult[] };
  const results: Record<string, { send: Send; fanout: Fan; scrapes: number }> = {};
  // Alternating off, on, off, on: a neighbour's load on this shared machine falls on both sides alike.
  for (const [name, env] of [
    ["off", {}],
    ["on", { METRICS_TOKEN: token }],
    ["off 2", {}],
    ["on 2", { METRICS_TOKEN: token }],
  ] as const) {
    const parlor = await startParlor({ env });
    let scrapes = 0;
    const scraper = env.METRICS_TOKEN
      ? setInterval(() => {
          fetch(`${parlor.url}/metrics`, { headers: { authorization: `Bearer ${token}` } }).then(
            async (r) => {
              if (r.ok && (await r.text()).includes("parlor_deliveries_total")) scrapes++;
            },
            () => {},
          );
        }, 1000)
      : undefined;
    try {
      const tokens = (await benchUsers(parlor.url, 4, "metrics")).map((u) => u.token);
      log(`metrics ${name}: send path`);
      const send = await gen<Send>({
        kind: "send",
        transport: "ws",
        url: parlor.url,
        wsUrl: parlor.wsUrl,
        tokens,
        window: 8,
        seconds: S.sendSeconds,
        maxMessages: 2_000_000,
        payload: 100,
        serverPids: [parlor.pid],
      });
      account(`metrics ${name} send`, send);
      log(`metrics ${name}: fan-out N=1000`);
      const fanout = await gen<Fan>({
        kind: "fanout",
        target: "parlor",
        wsUrl: parlor.wsUrl,
        n: 1000,
        room: `metrics_${name.replace(" ", "")}`,
        token: tokens[0]!,
        payload: 100,
        serverPids: [parlor.pid],
        phases: [{ name: "max", mode: "max", window: 8, seconds: S.maxSeconds, maxMessages: 400_000 }],
      });
      account(`metrics ${name} fan-out`, phase(fanout, "max"));
      results[name] = { send, fanout, scrapes };
    } finally {
      clearInterval(scraper);
      await parlor.stop();
    }
  }
  raw.metrics = results;
  const both = (a: string, b: string, f: (r: { send: Send; fanout: Fan }) => number) =>
    (f(results[a]!) + f(results[b]!)) / 2;
  const sendRate = (r: { send: Send }) => r.send.messagesPerSecond;
  const fanRate = (r: { fanout: Fan }) => phase(r.fanout, "max").deliveriesPerSecond;
  const tag =
    "metrics cost: metrics on (METRICS_TOKEN, scraped every second) [ceiling column: metrics off]; mean of two runs each, alternating";
  const scraped = `${results.on!.scrapes + results["on 2"]!.scrapes} scrapes answered during the on runs`;
  rows.push({
    scenario: tag,
    metric: "room.send messages/s over WebSocket (4 users × 8 in flight)",
    unit: "/s",
    parlor: k(both("on", "on 2", sendRate)),
    ceiling: k(both("off", "off 2", sendRate)),
    target: { ratioAtLeast: 0.95 },
    note: `runs: off ${k(sendRate(results.off!))}, ${k(sendRate(results["off 2"]!))}; on ${k(sendRate(results.on!))}, ${k(sendRate(results["on 2"]!))}; ${scraped}`,
  });
  rows.push({
    scenario: tag,
    metric: "fan-out N=1000, 100 B: deliveries/s at max rate",
    unit: "/s",
    parlor: k(both("on", "on 2", fanRate)),
    ceiling: k(both("off", "off 2", fanRate)),
    target: { ratioAtLeast: 0.95 },
    note: `runs: off ${k(fanRate(results.off!))}, ${k(fanRate(results["off 2"]!))}; on ${k(fanRate(results.on!))}, ${k(fanRate(results["on 2"]!))}`,
  });
}

// ------------------------------------------------------------------ uploads

/**
 * `attachment.upload` with a few uploaders at once, each posting random bytes
 * (not an image: the transport, the checks and the store, not sharp) back to
 * back, next to a bare Bun server that parses the same multipart body and
 * writes the file to disk. Files/s and the server's peak RSS while it runs.
 */
async function uploads() {
  type Upload = {
    files: number;
    seconds: number;
    filesPerSecond: number;
    mibPerSecond: number;
    latency: { p50: number; p99: number };
    rssBefore: number;
    peakRss: number;
    rssAfter: number;
    serverCpu: number;
    errors: number;
    firstError?: string;
  };
  const uploaders = 4;
  const mib = (n: number) => Math.round(n / 2 ** 20);
  for (const size of [1, 10]) {
    const bytes = size * 2 ** 20;
    const job = { kind: "upload" as const, uploaders, bytes, seconds: S.uploadSeconds };
    const tag = `uploads: ${uploaders} uploaders at once, ${size} MiB each, back to back (random bytes)`;
    const bareDir = tempDir();
    const bare = await startBareUpload(bareDir.path);
    let b: Upload;
    try {
      log(`${tag}: bare`);
      b = await gen<Upload>({ ...job, target: "bare", url: bare.url, tokens: [], serverPids: [bare.pid] });
    } finally {
      await bare.stop();
      bareDir.remove();
    }
    const filesDir = tempDir();
    const parlor = await startParlor({ env: { UPLOADS_DIR: filesDir.path } });
    let p: Upload;
    try {
      const tokens = (await benchUsers(parlor.url, uploaders, "uploader")).map((u) => u.token);
      log(`${tag}: parlor`);
      p = await gen<Upload>({ ...job, target: "parlor", url: parlor.url, tokens, serverPids: [parlor.pid] });
    } finally {
      await parlor.stop();
      filesDir.remove();
    }
    raw[tag] = { bare: b, parlor: p };
    for (const [who, r] of [
      ["bare", b],
      ["parlor", p],
    ] as const)
      if (r.errors) failures.push(`${tag} ${who}: ${r.errors} uploads failed (${r.firstError})`);
    rows.push({
      scenario: tag,
      metric: "files/s [ceiling: bare Bun server, multipart to disk]",
      unit: "/s",
      parlor: Math.round(p.filesPerSecond * 10) / 10,
      ceiling: Math.round(b.filesPerSecond * 10) / 10,
      note: `${Math.round(p.mibPerSecond)} vs ${Math.round(b.mibPerSecond)} MiB/s; p50 ${p.latency.p50} vs ${b.latency.p50} ms, p99 ${p.latency.p99} vs ${b.latency.p99} ms; server CPU ${pct(p.serverCpu)} vs ${pct(b.serverCpu)}`,
    });
    rows.push({
      scenario: tag,
      metric: "server peak RSS while uploading",
      unit: "MiB",
      parlor: mib(p.peakRss),
      ceiling: mib(b.peakRss),
      note: `RSS before ${mib(p.rssBefore)} vs ${mib(b.rssBefore)} MiB, after ${mib(p.rssAfter)} vs ${mib(b.rssAfter)} MiB`,
    });
  }
}

// ------------------------------------------------------------------ main

const load = () => (readFile("/proc/loadavg") ?? "").split(" ").slice(0, 3).join(" ");
function readFile(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

const started = new Date();
const loadBefore = load();
log(`${quick ? "quick" : "full"} run; ${cores} cores; Bun ${Bun.version}; load average ${loadBefore}`);
const scenarios: [string, () => Promise<void>][] = [
  ["fanout", fanout],
  ["rooms", manyRooms],
  ["idle", idle],
  ["send", sendPath],
  ["history", history],
  ["hardening", hardening],
  ["redis", redis],
  ["nodes", nodes],
  ["metrics", metricsCost],
  ["uploads", uploads],
];
for (const [name, run] of scenarios) {
  if (!want(name)) continue;
  try {
    await run();
  } catch (error) {
    failures.push(`${name}: ${error instanceof Error ? error.message.slice(0, 2000) : error}`);
    log(`${name} failed: ${error}`);
  }
}
const machine = {
  cores,
  bun: Bun.version,
  platform: `${process.platform} ${process.arch}`,
  pinning,
  loadBefore,
  loadAfter: load(),
  quick,
  started: started.toISOString(),
  seconds: Math.round((Date.now() - started.getTime()) / 1000),
};
const markdown = renderMarkdown({ machine, rows, failures });
console.log(markdown);
mkdirSync(outDir, { recursive: true });
const stamp = `${started.toISOString().slice(0, 10)}${quick ? "-quick" : ""}${only ? `-${only.join("+")}` : ""}`;
writeFileSync(join(outDir, `${stamp}.md`), markdown);
writeFileSync(join(outDir, `${stamp}.json`), `${JSON.stringify({ machine, rows, failures, raw }, null, 2)}\n`);
log(`wrote ${join(outDir, `${stamp}.md`)} and .json`);
process.exit(failures.length ? 1 : 0);
