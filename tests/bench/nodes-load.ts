/**
 * The load of the `nodes` scenario, as a generator process of its own (same
 * protocol as loadgen.ts: the job as JSON in argv[2], `RESULT <json>` last).
 * Many rooms; member j of room r connects to node (r + j) mod N, so each room's
 * members, senders and subscribers alike, are spread over the nodes and its
 * entries cross Redis. Open loop (`ratePerNode`): sends at their intended times,
 * taken member after member, room after room; or, without it, each member keeps
 * one message in flight, sending again once its last one reached every member.
 *
 * Every delivery is checked per subscriber: by its counter (the `#k#` of its
 * text: a repeat is a duplicate, a missing one a loss) and by its seq (each
 * subscriber's seqs must go up by exactly one: in order, no gap).
 */
import { BenchSocket, benchText, openMany } from "./bench-socket.ts";
import { Histogram } from "./histogram.ts";
import { cpuSeconds, processTree } from "./procs.ts";

export interface NodesJob {
  /** One WebSocket URL per node. */
  wsUrls: string[];
  rooms: number;
  members: number;
  /** Room names are `${roomPrefix}${r}`: fresh rooms for every run. */
  roomPrefix: string;
  tokens: string[];
  payload: number;
  warmupSeconds: number;
  seconds: number;
  /** Messages per second per node, open loop (in all: this × nodes); unset: each member one in flight (closed loop). */
  ratePerNode?: number;
  /** Who sends: every member (default), or only the members on the room's first node (writers of a room on one node). */
  senders?: "all" | "home";
  /** Per node, its server process (and its children, if any). */
  nodePids: number[];
  /** Shared services' processes (their trees), for CPU notes. */
  servicePids: Record<string, number>;
}

export interface NodesResult {
  /** The measured phase: from its first send to its last delivery. */
  seconds: number;
  sent: number;
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  /** Over the whole run, warm-up included. */
  expected: number;
  received: number;
  duplicates: number;
  lost: number;
  /** Deliveries whose seq was not the subscriber's last + 1 (out of order, or after a gap). */
  outOfOrder: number;
  errors: number;
  firstError?: string;
  /** `cpu`: CPU-seconds in the measured phase; `idleCpu`: fraction of a core with nothing sent. */
  perNode: { deliveries: number; stored: number; cpu: number; idleCpu: number }[];
  services: Record<string, number>;
  generatorCpu: number;
  latency: ReturnType<Histogram["summary"]>;
  /** send → its acknowledgement (stored). */
  ack: ReturnType<Histogram["summary"]>;
  setupSeconds: number;
  closedDuringRun: number;
}

const now = () => performance.now();
const treeCpu = (pid: number) => processTree(pid).reduce((s, p) => s + cpuSeconds(p), 0);

/** The seq of a Parlor data frame (`"type":"data","id":"<seq>"`); -1 without one. */
export function frameSeq(frame: string): number {
  const at = frame.indexOf('"type":"data","id":"');
  if (at < 0) return -1;
  let seq = 0;
  let i = at + 20;
  for (let c = frame.charCodeAt(i); c >= 48 && c <= 57; c = frame.charCodeAt(++i)) seq = seq * 10 + c - 48;
  return seq;
}

export async function nodesRun(job: NodesJob): Promise<NodesResult> {
  const N = job.wsUrls.length;
  const M = job.members;
  if (M > 32) throw new Error("nodes: at most 32 members per room (one bit each)");
  const total = job.rooms * M;
  const nodeOf = (j: number) => (Math.floor(j / M) + (j % M)) % N;
  // Enough counters for any run: a member cannot send faster than its round trip.
  const K = 4_000_000;
  const intended = new Float64Array(K);
  const count = new Uint8Array(K);
  const senderOf = new Int32Array(K);
  const seen = new Uint32Array(K);
  const lastSeq = new Int32Array(total).fill(-1);
  const delivered = new Float64Array(N);
  const stored = new Float64Array(N);

  const hist = new Histogram();
  const ack = new Histogram();
  // Loss, duplicates and order: over the whole run (warm-up too). Rates: the measured phase only.
  let received = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let measuredFrom = K;
  let receivedMeasured = 0;
  let complete = 0;
  let lastDelivery = 0;
  let errors = 0;
  let firstError: string | undefined;
  const fail = (e: unknown) => {
    errors++;
    firstError ??= String(e instanceof Error ? e.message : e);
  };
  /** Messages whose send failed: not expected (reported as failed calls); they may still have been stored. */
  const failedSends: number[] = [];
  let onComplete = (_k: number) => {};

  const deliver = (j: number) => (k: number, frame: string) => {
    if (k <= 0 || k >= K) return fail(`unexpected frame k=${k}`);
    const bit = 1 << (j % M);
    if (seen[k]! & bit) return void duplicates++;
    seen[k]! |= bit;
    const seq = frameSeq(frame);
    if (lastSeq[j]! >= 0 && seq !== lastSeq[j]! + 1) outOfOrder++;
    lastSeq[j] = seq;
    received++;
    if (k >= measuredFrom) {
      const t = now();
      lastDelivery = t;
      hist.record((t - intended[k]!) * 1000);
      receivedMeasured++;
      delivered[nodeOf(j)]!++;
    }
    if (++count[k]! === M) {
      complete++;
      onComplete(k);
    }
  };

  const setupStart = now();
  const sockets = await openMany(total, async (j) => {
    const s = await BenchSocket.open(job.wsUrls[nodeOf(j)]!, job.tokens[j % job.tokens.length]);
    await s.subscribe("room.messages", { room: `${job.roomPrefix}${Math.floor(j / M)}` }, deliver(j));
    return s;
  });
  await Bun.sleep(300);
  const setupSeconds = (now() - setupStart) / 1000;

  let next = 1;
  async function phase(seconds: number) {
    const start = now();
    const deadline = start + seconds * 1000;
    let sent = 0;
    const send = (j: number, at = now()) => {
      if (now() > deadline || next >= K) return;
      const k = next++;
      sent++;
      intended[k] = at;
      senderOf[k] = j;
      stored[nodeOf(j)]!++;
      const room = `${job.roomPrefix}${Math.floor(j / M)}`;
      sockets[j]!.call("mutation", "room.send", { room, text: benchText(k, job.payload) }).then(
        () => {
          if (k >= measuredFrom) ack.record((now() - intended[k]!) * 1000);
        },
        (e) => {
          failedSends.push(k);
          fail(e);
        },
      );
    };
    const senders = [...Array(total).keys()].filter((j) => job.senders !== "home" || (j % M) % N === 0);
    if (job.ratePerNode) {
      // Open loop: each send at its intended time, whatever the answers; senders taken room after room.
      senders.sort((a, b) => (a % M) - (b % M) || a - b);
      const rate = job.ratePerNode * N;
      onComplete = () => {};
      for (let i = 0; now() < deadline; ) {
        const due = Math.floor(((now() - start) * rate) / 1000) + 1;
        for (; i < due; i++) send(senders[i % senders.length]!, start + (i * 1000) / rate);
        await Bun.sleep(Math.max(1, start + (i * 1000) / rate - now()));
      }
    } else {
      onComplete = (k) => send(senderOf[k]!);
      for (const j of senders) send(j);
      while (now() < deadline) await Bun.sleep(20);
    }
    // Drain: every message sent in this phase reaches all its members, or the run reports it lost.
    let progress = received;
    let quietSince = now();
    while (complete < next - 1) {
      if (received !== progress) [progress, quietSince] = [received, now()];
      if (now() - quietSince > 5000) break;
      await Bun.sleep(5);
    }
    return { start, sent };
  }

  await phase(job.warmupSeconds);
  // Each node's CPU with every socket open and nothing sent after the warm-up (timers, heartbeats): a cost per node, not per message.
  const idle0 = job.nodePids.map(treeCpu);
  const idleStart = now();
  await Bun.sleep(1000);
  const idleSeconds = (now() - idleStart) / 1000;
  const idleCpu = job.nodePids.map((pid, i) => (treeCpu(pid) - idle0[i]!) / idleSeconds);
  measuredFrom = next;
  stored.fill(0);
  const cpu0 = job.nodePids.map(treeCpu);
  const svc0 = Object.fromEntries(Object.entries(job.servicePids).map(([name, pid]) => [name, treeCpu(pid)]));
  const own0 = process.cpuUsage();
  const { start, sent } = await phase(job.seconds);
  const sentAll = next - 1 - failedSends.length;
  const receivedOfFailed = failedSends.reduce((sum, k) => sum + count[k]!, 0);
  const seconds = Math.max(1e-3, (Math.max(lastDelivery, start) - start) / 1000);
  const elapsed = (now() - start) / 1000;
  const own = process.cpuUsage(own0);
  const perNode = job.nodePids.map((pid, i) => ({
    deliveries: delivered[i]!,
    stored: stored[i]!,
    cpu: treeCpu(pid) - cpu0[i]!,
    idleCpu: idleCpu[i]!,
  }));
  const services = Object.fromEntries(
    Object.entries(job.servicePids).map(([name, pid]) => [name, (treeCpu(pid) - svc0[name]!) / elapsed]),
  );
  const closedDuringRun = sockets.filter((s) => s.closed).length;
  for (const s of sockets) s.close();
  return {
    seconds,
    sent,
    deliveriesPerSecond: receivedMeasured / seconds,
    messagesPerSecond: sent / seconds,
    expected: sentAll * M,
    received: received - receivedOfFailed,
    duplicates,
    lost: sentAll * M - (received - receivedOfFailed),
    outOfOrder,
    errors,
    firstError,
    perNode,
    services,
    generatorCpu: (own.user + own.system) / 1e6 / elapsed,
    latency: hist.summary(),
    ack: ack.summary(),
    setupSeconds,
    closedDuringRun,
  };
}

if (import.meta.main) {
  const hardStop = setTimeout(() => {
    console.error("nodes-load: exceeded its time limit");
    process.exit(3);
  }, 10 * 60_000);
  const result = await nodesRun(JSON.parse(process.argv[2]!) as NodesJob);
  clearTimeout(hardStop);
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
}
