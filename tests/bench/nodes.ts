/**
 * The `nodes` scenario: scale-out as a deployment runs it. Three Parlor nodes,
 * each in its own network namespace with its own address (netns.ts), sharing
 * one Redis and one PostgreSQL on the network (node-services.ts); the load
 * generator, in the root namespace, spreads each room's members over the nodes
 * (nodes-load.ts). Next to it, one node in one namespace, same services, same
 * load per node (open loop, the same messages/s per node). The nodes share the
 * bench's server core, so the figure that compares is per server CPU-second
 * (each node's CPU read from /proc).
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createNodeNetwork, type NodeNetwork } from "./netns.ts";
import { type SharedService, startSharedPostgres, startSharedRedis } from "./node-services.ts";
import type { NodesJob, NodesResult } from "./nodes-load.ts";
import { type Child, GENERATOR_CPU, pinned, ROOT, SERVER_CPU, spawnChild } from "./procs.ts";
import type { Row } from "./report.ts";
import { BENCH_LIMITS, benchUsers } from "./servers.ts";

export interface NodesSizes {
  /** Rooms per node: three nodes get three times as many. */
  roomsPerNode: number;
  members: number;
  /** Messages per second per node, open loop: every run offers each node the same load. */
  ratePerNode: number;
  warmupSeconds: number;
  seconds: number;
  /** Runs of each (1 node, 3 nodes, alternating); the best per-CPU figure of each is kept. */
  rounds: number;
}

const PORT = 3000;
/**
 * `BENCH_NODES_CPU_PROF=<dir>`: every node writes a CPU profile there when it stops (`.cpuprofile`
 * and a markdown summary), to see where a node's time goes. Profiling costs CPU: not for the figures.
 */
const CPU_PROF_DIR = process.env.BENCH_NODES_CPU_PROF;
const profiling = CPU_PROF_DIR ? ["--cpu-prof", "--cpu-prof-md", `--cpu-prof-dir=${CPU_PROF_DIR}`] : [];

interface Node {
  url: string;
  wsUrl: string;
  pid: number;
  child: Child;
}

async function startNode(
  net: NodeNetwork,
  at: NodeNetwork["nodes"][number],
  env: Record<string, string>,
): Promise<Node> {
  const child = spawnChild(
    net.exec(at.namespace, pinned(SERVER_CPU, ["bun", ...profiling, join(ROOT, "server/main.ts")])),
    {
      HOST: at.address,
      PORT: String(PORT),
      NODE_ENV: "production",
      WORKERS: "1",
      ...BENCH_LIMITS,
      ...env,
    },
  );
  await child.line(/listening on/, 60_000);
  const url = `http://${at.address}:${PORT}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i === 100) throw new Error(`nodes: ${url}/healthz does not answer:\n${child.output().slice(-2000)}`);
    await Bun.sleep(100);
  }
  return { url, wsUrl: `ws://${at.address}:${PORT}/trpc`, pid: child.pid, child };
}

async function generate(job: NodesJob): Promise<NodesResult> {
  const child = spawnChild(pinned(GENERATOR_CPU, ["bun", join(import.meta.dir, "nodes-load.ts"), JSON.stringify(job)]));
  try {
    const m = await child.line(/^RESULT (.*)$/, 10 * 60_000);
    return JSON.parse(m[1]!) as NodesResult;
  } finally {
    await child.stop();
  }
}

/** One run: `count` nodes (the first `count` namespaces) under `count` × roomsPerNode rooms. */
async function runNodes(
  net: NodeNetwork,
  services: { redis: SharedService; postgres: SharedService; eventKey: string },
  count: number,
  senders: "all" | "home",
  sizes: NodesSizes,
  tag: string,
): Promise<Run> {
  const env = {
    DATABASE_URL: services.postgres.url,
    REDIS_URL: services.redis.url,
    REDIS_PREFIX: "parlor:",
    // Shared by the nodes, as a deployment's: what one publishes, the others take without a confirming read.
    REDIS_EVENT_KEY: services.eventKey,
  };
  const nodes: Node[] = [];
  try {
    // The first node alone migrates the fresh database; the others start once it is done.
    nodes.push(await startNode(net, net.nodes[0]!, env));
    nodes.push(...(await Promise.all(net.nodes.slice(1, count).map((at) => startNode(net, at, env)))));
    const tokens = (await benchUsers(nodes[0]!.url, 10, `n${count}`)).map((u) => u.token);
    const deadlocks0 = deadlocks(services.postgres.url);
    const result = await generate({
      wsUrls: nodes.map((n) => n.wsUrl),
      rooms: sizes.roomsPerNode * count,
      members: sizes.members,
      roomPrefix: tag,
      tokens,
      payload: 100,
      warmupSeconds: sizes.warmupSeconds,
      seconds: sizes.seconds,
      senders,
      ratePerNode: sizes.ratePerNode,
      nodePids: nodes.map((n) => n.pid),
      servicePids: { redis: services.redis.pid(), postgres: services.postgres.pid() },
    });
    // What the nodes logged as errors (pino level ≥ 50): a failed call's cause is there.
    const nodeErrors = nodes.flatMap((n) => n.child.output().split("\n")).filter((l) => /"level":(5|6)0/.test(l));
    return { ...result, nodeErrors, deadlocks: deadlocks(services.postgres.url) - deadlocks0 };
  } finally {
    await Promise.all(nodes.map((n) => n.child.stop()));
  }
}

type Run = NodesResult & { nodeErrors: string[]; deadlocks: number };

/** Deadlocks PostgreSQL detected so far (its statistics): writers on several nodes locking rooms in opposite orders. */
function deadlocks(url: string): number {
  const r = Bun.spawnSync(["psql", url, "-Atc", "select sum(deadlocks) from pg_stat_database"], { stdout: "pipe" });
  return Number(r.stdout.toString().trim()) || 0;
}

/** The runs compared: one node, three with every member sending, three with each room's writers on one node. */
const VARIANTS = [
  { key: "1", count: 1, senders: "all" },
  { key: "3", count: 3, senders: "all" },
  { key: "3home", count: 3, senders: "home" },
] as const;
type Key = (typeof VARIANTS)[number]["key"];

const cpuOf = (r: NodesResult) => r.perNode.reduce((s, n) => s + n.cpu, 0);
const perCpu = (r: NodesResult) => r.perNode.reduce((s, n) => s + n.deliveries, 0) / Math.max(0.01, cpuOf(r));
const storedPerCpu = (r: NodesResult) => r.perNode.reduce((s, n) => s + n.stored, 0) / Math.max(0.01, cpuOf(r));

export async function nodesScenario(
  sizes: NodesSizes,
  log: (msg: string) => void,
): Promise<{ rows: Row[]; failures: string[]; raw: unknown }> {
  const failures: string[] = [];
  const runs: Record<Key, Run[]> = { "1": [], "3": [], "3home": [] };
  const net = createNodeNetwork(3);
  const eventKey = randomBytes(32).toString("base64");
  try {
    const postgres = await startSharedPostgres(net.hostAddress);
    try {
      const redis = await startSharedRedis(net.hostAddress);
      try {
        log(
          `nodes: namespaces ${net.nodes.map((n) => `${n.namespace} ${n.address}`).join(", ")}; shared services on ${net.hostAddress}`,
        );
        for (let round = 0; round < sizes.rounds; round++)
          for (const { key, count, senders } of VARIANTS) {
            log(
              `nodes: ${count} node(s), ${sizes.roomsPerNode * count} rooms × ${sizes.members} members, ${senders === "all" ? "every member sending" : "the members on each room's first node sending"} (round ${round + 1})`,
            );
            const r = await runNodes(net, { redis, postgres, eventKey }, count, senders, sizes, `n${key}x${round}r`);
            runs[key].push(r);
            const problems = [];
            if (r.lost) problems.push(`${r.lost} of ${r.expected} deliveries lost`);
            if (r.duplicates) problems.push(`${r.duplicates} duplicates`);
            if (r.outOfOrder) problems.push(`${r.outOfOrder} deliveries out of order`);
            if (r.errors)
              problems.push(
                `${r.errors} failed calls (${r.firstError}; nodes logged: ${r.nodeErrors.slice(0, 3).join(" | ").slice(0, 1500)})`,
              );
            if (r.closedDuringRun) problems.push(`${r.closedDuringRun} sockets closed`);
            if (problems.length) failures.push(`nodes ${key} round ${round + 1}: ${problems.join(", ")}`);
          }
      } finally {
        await redis.stop();
      }
    } finally {
      await postgres.stop();
    }
  } finally {
    net.remove();
  }
  return { rows: nodesRows(sizes, runs), failures, raw: runs };
}

const k = Math.round;
const pct = (f: number) => `${Math.round(f * 100)} %`;

function nodesRows(sizes: NodesSizes, runs: Record<Key, Run[]>): Row[] {
  const best = (list: Run[]) => list.reduce((a, b) => (perCpu(b) > perCpu(a) ? b : a));
  const one = best(runs["1"]);
  const three = best(runs["3"]);
  const home = best(runs["3home"]);
  const checked = Object.values(runs).flat();
  const sum = (f: (r: Run) => number) => checked.reduce((s, r) => s + f(r), 0);
  const tag = `nodes: 3 nodes, each in its own network namespace, one Redis and one PostgreSQL on the network; ${sizes.roomsPerNode} rooms per node × ${sizes.members} members spread over the nodes, ${sizes.ratePerNode} msg/s per node open loop (vs 1 node, same load per node)`;
  const perNode = (r: Run) =>
    r.perNode.map((n) => `${k(n.deliveries / r.seconds)}/s (CPU ${pct(n.cpu / r.seconds)})`).join(", ");
  const services = (r: Run) =>
    Object.entries(r.services)
      .map(([name, f]) => `${name} ${pct(f)}`)
      .join(", ");
  const all = (key: Key) => runs[key].map((r) => k(perCpu(r))).join(", ");
  /** Per CPU-second net of each node's idle CPU (measured before the load, 1 s at 100 Hz: coarse). */
  const busyPerCpu = (r: Run) =>
    r.perNode.reduce((s, n) => s + n.deliveries, 0) /
    Math.max(
      0.01,
      r.perNode.reduce((s, n) => s + n.cpu - n.idleCpu * r.seconds, 0),
    );
  const perNodeCpu = (r: Run) => r.perNode.map((n) => pct(n.cpu / r.seconds)).join(", ");
  const idle = (r: Run) => r.perNode.map((n) => pct(n.idleCpu)).join(", ");
  const writes = (r: Run) =>
    `${k(r.messagesPerSecond)} msg/s stored of ${sizes.ratePerNode * r.perNode.length} offered (until the last delivery), ack p99 ${r.ack.p99} ms, ${r.deadlocks} deadlocks in PostgreSQL`;
  return [
    {
      scenario: tag,
      metric: "deliveries per server CPU-second (all nodes' CPU from /proc) [ceiling column: 1 node]",
      unit: "/s per core",
      parlor: k(perCpu(three)),
      ceiling: k(perCpu(one)),
      target: { ratioAtLeast: 0.8 },
      note: `best of ${sizes.rounds}; runs: 3 nodes ${all("3")}, 1 node ${all("1")}; 3 nodes: ${writes(three)}; 1 node: ${writes(one)}; net of idle CPU (3 nodes ${idle(three)}, 1 node ${idle(one)}): ${k(busyPerCpu(three))} vs ${k(busyPerCpu(one))}`,
    },
    {
      scenario: tag,
      metric: "the same, each room's writers on one node (its other members only watch) [ceiling column: 1 node]",
      unit: "/s per core",
      parlor: k(perCpu(home)),
      ceiling: k(perCpu(one)),
      note: `runs ${all("3home")}; ${writes(home)}: without writers of one room on several nodes, what the fan-out across Redis costs`,
    },
    {
      scenario: tag,
      metric: `messages/s stored per node, ${sizes.ratePerNode}/s offered to each (the nodes are not CPU-bound: sustained, or the write path is behind) [ceiling column: 1 node]`,
      unit: "/s",
      parlor: k(three.messagesPerSecond / 3),
      ceiling: k(one.messagesPerSecond),
      target: { ratioAtLeast: 0.8 },
      note: `per server CPU-second ${k(storedPerCpu(three))} vs ${k(storedPerCpu(one))}; nodes' CPU ${perNodeCpu(three)} vs ${perNodeCpu(one)}; writers of a room on one node: ${k(home.messagesPerSecond / 3)}/s per node`,
    },
    {
      scenario: tag,
      metric: "deliveries/s per node (raw: the nodes share one core) [ceiling column: 1 node]",
      unit: "/s",
      parlor: k(three.deliveriesPerSecond / 3),
      ceiling: k(one.deliveriesPerSecond),
      note: `3 nodes: ${perNode(three)}; 1 node: ${perNode(one)}; nodes pinned to core ${SERVER_CPU}; shared services CPU ${services(three)} vs ${services(one)}; generator CPU ${pct(three.generatorCpu)} vs ${pct(one.generatorCpu)}`,
    },
    {
      scenario: tag,
      metric: "p99 send→deliver latency [ceiling column: 1 node]",
      unit: "ms",
      parlor: three.latency.p99,
      ceiling: one.latency.p99,
      note: `checked over all runs: ${sum((r) => r.received).toLocaleString("en")} deliveries of ${sum((r) => r.expected).toLocaleString("en")} expected; ${sum((r) => r.duplicates)} duplicates, ${sum((r) => r.outOfOrder)} out of order (each subscriber's seqs one by one)`,
    },
  ];
}
