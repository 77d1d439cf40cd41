/**
 * The load generator: a separate process (pinned to its own core by the
 * orchestrator) that runs one job given as JSON in argv[2] and prints
 * `RESULT <json>` as its last line. Open-loop runs schedule each send at an
 * intended time and measure every delivery from that time (no coordinated
 * omission); max-rate runs keep a bounded window of messages in flight.
 * Every run counts deliveries expected, received and duplicated.
 */
import { BenchSocket, benchText, openMany } from "./bench-socket.ts";
import { Histogram, type LatencySummary } from "./histogram.ts";
import { cpuSeconds } from "./procs.ts";

export type Phase =
  | { name: string; mode: "max"; window: number; seconds: number; maxMessages: number }
  | { name: string; mode: "rate"; rate: number; seconds: number }
  /** Open loop at `factor` × the messages/s an earlier phase of this run reached. */
  | { name: string; mode: "relative"; phase: string; factor: number; seconds: number };

export type Job =
  | {
      kind: "fanout";
      target: "parlor" | "bare";
      wsUrl: string;
      n: number;
      room: string;
      token?: string;
      payload: number;
      phases: Phase[];
      serverPids: number[];
    }
  | {
      kind: "rooms";
      target: "parlor" | "bare";
      wsUrl: string;
      rooms: number;
      members: number;
      tokens: string[];
      payload: number;
      phases: Phase[];
      serverPids: number[];
    }
  | {
      kind: "idle";
      target: "parlor" | "bare";
      wsUrl: string;
      n: number;
      rooms: number;
      tokens: string[];
      settleSeconds: number;
      idleSeconds: number;
      serverPids: number[];
    }
  | {
      kind: "handshake";
      target: "parlor" | "bare";
      wsUrl: string;
      n: number;
      rooms: number;
      tokens: string[];
      serverPids: number[];
    }
  /**
   * Senders: one per token, `window` sends in flight each (closed loop). Without `room` each sender has
   * its own room and one guest watches them all; with `room` all send to it and `listeners` members
   * (tokens reused round-robin) subscribe to it, each of them checked for loss and duplicates.
   */
  | {
      kind: "send";
      transport: "ws" | "http";
      url: string;
      wsUrl: string;
      tokens: string[];
      window: number;
      seconds: number;
      maxMessages: number;
      payload: number;
      serverPids: number[];
      room?: string;
      listeners?: number;
    }
  | {
      kind: "history";
      transport: "ws" | "http";
      url: string;
      wsUrl: string;
      queries: { name: string; input: Record<string, unknown>; expect: number }[];
      iterations: number;
      warmup: number;
      serverPids: number[];
    }
  | {
      kind: "logins";
      url: string;
      observerToken: string;
      username: string;
      password: string;
      burst: number;
      observerRate: number;
      baselineSeconds: number;
      serverPids: number[];
    }
  | {
      kind: "flood";
      wsUrl: string;
      flooderToken: string;
      otherTokens: string[];
      otherRate: number;
      seconds: number;
      flooderWindow: number;
      serverPids: number[];
    }
  /**
   * Uploaders: one per token (or `uploaders` anonymous ones for the bare server), each posting
   * `bytes` of random data as FormData back to back (closed loop) for `seconds`; the server's RSS
   * is sampled every 20 ms. Parlor: `attachment.upload` with the bearer token; bare: POST /.
   */
  | {
      kind: "upload";
      target: "parlor" | "bare";
      url: string;
      tokens: string[];
      uploaders: number;
      bytes: number;
      seconds: number;
      serverPids: number[];
    };

/** Every run's delivery accounting: loss or a duplicate fails the run. */
export interface Accounting {
  sent: number;
  expected: number;
  received: number;
  duplicates: number;
  lost: number;
  errors: number;
  firstError?: string;
}

export interface PhaseResult extends Accounting {
  name: string;
  mode: "max" | "rate";
  offeredRate?: number;
  seconds: number;
  messagesPerSecond: number;
  deliveriesPerSecond: number;
  latency: LatencySummary;
  ack?: LatencySummary;
  generatorCpu: number;
  serverCpu: number;
}

const now = () => performance.now();
const DRAIN_MS = 10_000;

/** CPU used by this process and by the servers over a window, as a fraction of one core. */
function cpuWindow(serverPids: number[]) {
  const t0 = now();
  const own0 = process.cpuUsage();
  const srv0 = serverPids.reduce((s, p) => s + cpuSeconds(p), 0);
  return () => {
    const seconds = (now() - t0) / 1000;
    const own = process.cpuUsage(own0);
    const srv = serverPids.reduce((s, p) => s + cpuSeconds(p), 0) - srv0;
    return { seconds, generatorCpu: (own.user + own.system) / 1e6 / seconds, serverCpu: srv / seconds };
  };
}

async function until(check: () => boolean, ms: number, progress?: () => number): Promise<boolean> {
  let deadline = now() + ms;
  let last = progress?.() ?? 0;
  while (!check()) {
    if (progress) {
      const p = progress();
      if (p !== last) {
        last = p;
        deadline = Math.max(deadline, now() + 2000);
      }
    }
    if (now() > deadline) return false;
    await Bun.sleep(5);
  }
  return true;
}

/** Calls `send(i, intendedTime)` for i < count at `rate` per second from now; open loop. */
async function openLoop(rate: number, count: number, send: (i: number, intended: number) => void): Promise<void> {
  const start = now();
  let i = 0;
  while (i < count) {
    const due = Math.min(count, Math.floor(((now() - start) * rate) / 1000) + 1);
    for (; i < due; i++) send(i, start + (i * 1000) / rate);
    if (i < count) await Bun.sleep(Math.max(1, start + (i * 1000) / rate - now()));
  }
}

/** Messages a run may send: rate phases by their rate, relative ones bounded by what a max phase may send. */
function capacity(phases: Phase[]): number {
  const maxCap = Math.max(0, ...phases.map((p) => (p.mode === "max" ? p.maxMessages : 0)));
  return phases.reduce((s, p) => s + (p.mode === "rate" ? Math.ceil(p.rate * p.seconds) : maxCap), 0) + 1;
}

// ---------------------------------------------------------------- fan-out and many rooms

/**
 * One room (fan-out) or many (`rooms` × `members`): subscribers count what they
 * get; senders send per phase. `group(k)` members expect message k.
 */
async function roomsRun(job: Extract<Job, { kind: "fanout" | "rooms" }>): Promise<unknown> {
  const parlor = job.target === "parlor";
  const fanout = job.kind === "fanout";
  const rooms = fanout ? 1 : job.rooms;
  const members = fanout ? job.n : job.members;
  const total = rooms * members;
  const roomName = (r: number) => (fanout ? job.room : `r${r}`);
  const K = capacity(job.phases);
  const intended = new Float64Array(K);
  const count = new Uint32Array(K);
  const roomOf = new Int32Array(K);
  const senderOf = new Int32Array(K);
  // Fan-out: deliveries arrive in seq order per subscriber, so a repeat is k ≤ last. Many rooms
  // (several senders per room): a bit per member per message.
  const last = new Int32Array(total).fill(-1);
  const seen = fanout ? null : new Uint8Array(K);

  let hist = new Histogram();
  let ack = new Histogram();
  let received = 0;
  let duplicates = 0;
  let complete = 0;
  let lastDelivery = 0;
  let onComplete: (k: number) => void = () => {};
  let errors = 0;
  let firstError: string | undefined;
  const fail = (e: unknown) => {
    errors++;
    firstError ??= String(e instanceof Error ? e.message : e);
  };

  const deliver = (j: number) => (k: number) => {
    if (k < 0 || k >= K) return fail(`unexpected frame k=${k}`);
    if (seen) {
      const bit = 1 << (j % members);
      if (seen[k]! & bit) return void duplicates++;
      seen[k]! |= bit;
    } else {
      if (k <= last[j]!) return void duplicates++;
      last[j] = k;
    }
    const t = now();
    lastDelivery = t;
    hist.record((t - intended[k]!) * 1000);
    received++;
    if (++count[k]! === members) {
      complete++;
      onComplete(k);
    }
  };

  const setupStart = now();
  const sockets = await openMany(total, async (j) => {
    const r = Math.floor(j / members);
    if (!parlor) return BenchSocket.open(`${job.wsUrl}?room=${roomName(r)}`);
    const token = fanout ? undefined : job.tokens[j % job.tokens.length];
    const s = await BenchSocket.open(job.wsUrl, token);
    await s.subscribe("room.messages", { room: roomName(r) }, deliver(j));
    return s;
  });
  // The bare server's data frames carry id 1 and need no subscribe call.
  if (!parlor) for (const [j, s] of sockets.entries()) s.listen(1, deliver(j));
  let sender: BenchSocket | null = null;
  if (fanout)
    sender = parlor
      ? await BenchSocket.open(job.wsUrl, job.token)
      : await BenchSocket.open(`${job.wsUrl}?room=${job.room}&send=1`);
  await Bun.sleep(300);
  const setupSeconds = (now() - setupStart) / 1000;

  const sendOne = (j: number, k: number) => {
    const r = fanout ? 0 : Math.floor(j / members);
    roomOf[k] = r;
    senderOf[k] = j;
    const text = benchText(k, job.payload);
    const s = fanout ? sender! : sockets[j]!;
    if (!parlor) return s.sendRaw(text);
    s.call("mutation", "room.send", { room: roomName(r), text }).then(
      () => ack.record((now() - intended[k]!) * 1000),
      fail,
    );
  };

  const results: PhaseResult[] = [];
  let next = 1;
  for (const spec of job.phases) {
    const phase: Exclude<Phase, { mode: "relative" }> =
      spec.mode === "relative"
        ? {
            name: spec.name,
            mode: "rate",
            seconds: spec.seconds,
            rate: Math.max(1, spec.factor * (results.find((r) => r.name === spec.phase)?.messagesPerSecond ?? 0)),
          }
        : spec;
    hist = new Histogram();
    ack = new Histogram();
    received = duplicates = complete = errors = 0;
    firstError = undefined;
    const base = next;
    let sent = 0;
    const cpu = cpuWindow(job.serverPids);
    const start = now();
    if (phase.mode === "rate") {
      const n = Math.min(Math.ceil(phase.rate * phase.seconds), K - base);
      onComplete = () => {};
      await openLoop(phase.rate, n, (i, at) => {
        const k = base + i;
        intended[k] = at;
        sendOne(i % total, k);
        sent++;
      });
    } else {
      const deadline = start + phase.seconds * 1000;
      const cap = Math.min(phase.maxMessages, K - base);
      let inFlight = 0;
      const pump = (j: number) => {
        if (sent >= cap || now() > deadline) return;
        const k = base + sent++;
        intended[k] = now();
        inFlight++;
        sendOne(j, k);
      };
      if (fanout) {
        onComplete = () => {
          inFlight--;
          while (inFlight < phase.window && sent < cap && now() <= deadline) pump(0);
        };
        while (inFlight < phase.window && sent < cap) pump(0);
      } else {
        // Each member keeps one message in flight: it sends again once its last one reached the room.
        onComplete = (k) => {
          inFlight--;
          pump(senderOf[k]!);
        };
        for (let j = 0; j < total; j++) pump(j);
      }
      await until(() => sent >= cap || now() > deadline, phase.seconds * 1000 + 1000);
    }
    next = base + sent;
    await until(
      () => complete >= sent,
      DRAIN_MS,
      () => received,
    );
    await Bun.sleep(50);
    const { generatorCpu, serverCpu } = cpu();
    const seconds = Math.max(1e-3, (Math.max(lastDelivery, start) - start) / 1000);
    const expected = sent * members;
    results.push({
      name: phase.name,
      mode: phase.mode,
      offeredRate: phase.mode === "rate" ? phase.rate : undefined,
      sent,
      expected,
      received,
      duplicates,
      lost: expected - received,
      errors,
      firstError,
      seconds,
      messagesPerSecond: sent / seconds,
      deliveriesPerSecond: received / seconds,
      latency: hist.summary(),
      ack: parlor ? ack.summary() : undefined,
      generatorCpu,
      serverCpu,
    });
  }
  const closed = sockets.filter((s) => s.closed).length;
  for (const s of sockets) s.close();
  sender?.close();
  return { setupSeconds, closedDuringRun: closed, phases: results };
}

// ---------------------------------------------------------------- idle connections

async function idleRun(job: Extract<Job, { kind: "idle" }>): Promise<unknown> {
  const parlor = job.target === "parlor";
  const pid = job.serverPids[0]!;
  const { rssBytes } = await import("./procs.ts");
  const open = async (j: number) => {
    const room = `idle${j % job.rooms}`;
    if (!parlor) return BenchSocket.open(`${job.wsUrl}?room=${room}`);
    const s = await BenchSocket.open(job.wsUrl, job.tokens[j % job.tokens.length]);
    await s.subscribe("room.messages", { room }, () => {});
    return s;
  };
  // Warm the server's code paths once, so the baseline is a running server, not a cold one.
  for (const s of await openMany(20, open)) s.close();
  await Bun.sleep(1000);
  const rssBefore = rssBytes(pid);
  const t0 = now();
  const sockets = await openMany(job.n, open);
  const connectSeconds = (now() - t0) / 1000;
  await Bun.sleep(job.settleSeconds * 1000);
  const rssAfter = rssBytes(pid);
  const cpu = cpuWindow(job.serverPids);
  await Bun.sleep(job.idleSeconds * 1000);
  const { serverCpu, generatorCpu } = cpu();
  const closed = sockets.filter((s) => s.closed).length;
  for (const s of sockets) s.close();
  return {
    n: job.n,
    connectSeconds,
    rssBefore,
    rssAfter,
    rssPerConnection: (rssAfter - rssBefore) / job.n,
    idleServerCpu: serverCpu,
    idleGeneratorCpu: generatorCpu,
    closedDuringRun: closed,
  };
}

// ---------------------------------------------------------------- a burst of connects

/**
 * `n` connects started at once. Each is timed from `new WebSocket` to its first
 * usable answer: the `started` of a room.messages subscription sent as soon as
 * the socket opened (Parlor: after `connectionParams` with a bearer token, so the
 * answer comes once the socket is authenticated and subscribed; bare: its
 * `SUBSCRIBE` answer, the topic subscribed at open). Same round trips on both.
 */
async function handshakeRun(job: Extract<Job, { kind: "handshake" }>): Promise<unknown> {
  const parlor = job.target === "parlor";
  const connect = async (j: number): Promise<BenchSocket> => {
    const room = `burst${j % job.rooms}`;
    if (!parlor) {
      const s = await BenchSocket.open(`${job.wsUrl}?room=${room}`);
      const started = s.started(1);
      s.sendRaw("SUBSCRIBE");
      await started;
      return s;
    }
    const s = await BenchSocket.open(job.wsUrl, job.tokens[j % job.tokens.length]);
    await s.subscribe("room.messages", { room }, () => {});
    return s;
  };
  // Warm the server's code paths once.
  for (const s of await openMany(20, connect)) s.close();
  await Bun.sleep(1000);
  const hist = new Histogram();
  let errors = 0;
  let firstError: string | undefined;
  const cpu = cpuWindow(job.serverPids);
  const t0 = now();
  const sockets = await Promise.all(
    Array.from({ length: job.n }, async (_, j) => {
      const start = now();
      try {
        const s = await connect(j);
        hist.record((now() - start) * 1000);
        return s;
      } catch (e) {
        errors++;
        firstError ??= String(e instanceof Error ? e.message : e);
        return null;
      }
    }),
  );
  const seconds = (now() - t0) / 1000;
  const { serverCpu } = cpu();
  for (const s of sockets) s?.close();
  return { n: job.n, seconds, latency: hist.summary(), serverCpu, errors, firstError };
}

// ---------------------------------------------------------------- send path

async function sendRun(job: Extract<Job, { kind: "send" }>): Promise<unknown> {
  const rooms = job.tokens.map((_, i) => job.room ?? `send${i}`);
  const K = job.maxMessages + 1;
  // Each watcher must see each stored message published exactly once.
  const watchers: { socket: BenchSocket; got: Uint8Array; received: number; duplicates: number }[] = [];
  const watch = async (token: string | undefined, watched: string[]) => {
    const w = { socket: await BenchSocket.open(job.wsUrl, token), got: new Uint8Array(K), received: 0, duplicates: 0 };
    for (const room of watched) {
      await w.socket.subscribe("room.messages", { room }, (k) => {
        if (k <= 0 || k >= K) return;
        if (w.got[k]) w.duplicates++;
        else {
          w.got[k] = 1;
          w.received++;
        }
      });
    }
    watchers.push(w);
  };
  if (job.room)
    for (let i = 0; i < (job.listeners ?? 1); i++) await watch(job.tokens[i % job.tokens.length], [job.room]);
  else await watch(undefined, rooms);
  const least = () => Math.min(...watchers.map((w) => w.received));
  const ack = new Histogram();
  let acked = 0;
  let errors = 0;
  let firstError: string | undefined;
  let nextK = 1;
  const start = now();
  const deadline = start + job.seconds * 1000;
  const cpu = cpuWindow(job.serverPids);

  const sendWs = (s: BenchSocket, room: string) => async () => {
    while (now() < deadline && nextK < K) {
      const k = nextK++;
      const t = now();
      try {
        await s.call("mutation", "room.send", { room, text: benchText(k, job.payload) });
        ack.record((now() - t) * 1000);
        acked++;
      } catch (e) {
        errors++;
        firstError ??= String(e);
      }
    }
  };
  const sendHttp = (token: string, room: string) => async () => {
    while (now() < deadline && nextK < K) {
      const k = nextK++;
      const t = now();
      try {
        const res = await fetch(`${job.url}/trpc/room.send`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ room, text: benchText(k, job.payload) }),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        ack.record((now() - t) * 1000);
        acked++;
      } catch (e) {
        errors++;
        firstError ??= String(e);
      }
    }
  };
  const sockets: BenchSocket[] = [];
  const loops: Promise<void>[] = [];
  for (const [i, token] of job.tokens.entries()) {
    const room = rooms[i]!;
    if (job.transport === "ws") {
      const s = await BenchSocket.open(job.wsUrl, token);
      sockets.push(s);
      for (let w = 0; w < job.window; w++) loops.push(sendWs(s, room)());
    } else {
      for (let w = 0; w < job.window; w++) loops.push(sendHttp(token, room)());
    }
  }
  await Promise.all(loops);
  const seconds = (now() - start) / 1000;
  const { serverCpu, generatorCpu } = cpu();
  await until(() => least() >= acked, DRAIN_MS, least);
  for (const s of [...sockets, ...watchers.map((w) => w.socket)]) s.close();
  const received = least();
  const duplicates = watchers.reduce((n, w) => n + w.duplicates, 0);
  const acc: Accounting = {
    sent: nextK - 1,
    expected: acked,
    received,
    duplicates,
    lost: acked - received,
    errors,
    firstError,
  };
  return { ...acc, seconds, messagesPerSecond: acked / seconds, ack: ack.summary(), serverCpu, generatorCpu };
}

// ---------------------------------------------------------------- history

async function historyRun(job: Extract<Job, { kind: "history" }>): Promise<unknown> {
  const socket = job.transport === "ws" ? await BenchSocket.open(job.wsUrl) : null;
  const get = async (input: Record<string, unknown>): Promise<number> => {
    if (socket) return ((await socket.call("query", "room.history", input)) as { messages: unknown[] }).messages.length;
    const res = await fetch(`${job.url}/trpc/room.history?input=${encodeURIComponent(JSON.stringify(input))}`);
    const body = (await res.json()) as { result: { data: { messages: unknown[] } } };
    return body.result.data.messages.length;
  };
  const out: Record<string, unknown> = {};
  let errors = 0;
  for (const q of job.queries) {
    for (let i = 0; i < job.warmup; i++) await get(q.input);
    const h = new Histogram();
    const cpu = cpuWindow(job.serverPids);
    for (let i = 0; i < job.iterations; i++) {
      const t = now();
      const n = await get(q.input);
      h.record((now() - t) * 1000);
      if (n !== q.expect) errors++;
    }
    out[q.name] = { latency: h.summary(), ...cpu(), errors };
  }
  socket?.close();
  return out;
}

// ---------------------------------------------------------------- hardening: a login burst, a flooder

async function loginsRun(job: Extract<Job, { kind: "logins" }>): Promise<unknown> {
  const baseline = new Histogram();
  const during = new Histogram();
  let phase: "baseline" | "burst" | "done" = "baseline";
  let observerErrors = 0;
  const outstanding = new Set<Promise<void>>();
  const observer = (async () => {
    const start = now();
    for (let i = 0; (phase as string) !== "done" && i < job.observerRate * 120; i++) {
      const at = start + (i * 1000) / job.observerRate;
      if (at > now()) await Bun.sleep(at - now());
      const bucket = phase === "baseline" ? baseline : during;
      const p = fetch(`${job.url}/trpc/auth.me`, { headers: { authorization: `Bearer ${job.observerToken}` } })
        .then(
          async (r) => {
            await r.arrayBuffer();
            if (!r.ok) observerErrors++;
            bucket.record((now() - at) * 1000);
          },
          () => void observerErrors++,
        )
        .finally(() => outstanding.delete(p));
      outstanding.add(p);
    }
  })();
  await Bun.sleep(job.baselineSeconds * 1000);
  phase = "burst";
  const t0 = now();
  const logins = await Promise.all(
    Array.from({ length: job.burst }, () =>
      fetch(`${job.url}/trpc/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: job.username, password: job.password }),
      }).then(
        async (r) => (await r.arrayBuffer(), r.ok),
        () => false,
      ),
    ),
  );
  const burstSeconds = (now() - t0) / 1000;
  phase = "done";
  await observer;
  await Promise.all([...outstanding]);
  return {
    baseline: baseline.summary(),
    burst: during.summary(),
    burstSeconds,
    loginsOk: logins.filter(Boolean).length,
    logins: job.burst,
    observerErrors,
  };
}

async function floodRun(job: Extract<Job, { kind: "flood" }>): Promise<unknown> {
  const others = await Promise.all(job.otherTokens.map((t) => BenchSocket.open(job.wsUrl, t)));
  const flooder = await BenchSocket.open(job.wsUrl, job.flooderToken);
  let k = 1;
  const measure = async (withFlood: boolean) => {
    const h = new Histogram();
    let errors = 0;
    let accepted = 0;
    let refused = 0;
    let flooding = withFlood;
    const floods = withFlood
      ? Array.from({ length: job.flooderWindow }, async () => {
          while (flooding) {
            try {
              await flooder.call("mutation", "room.send", { room: "flood", text: benchText(k++, 100) });
              accepted++;
            } catch (e) {
              if (String(e).includes("Too many")) refused++;
              else errors++;
            }
          }
        })
      : [];
    const pending: Promise<unknown>[] = [];
    await Promise.all(
      others.map((s, i) =>
        openLoop(job.otherRate, Math.ceil(job.otherRate * job.seconds), (_, at) => {
          pending.push(
            s.call("mutation", "room.send", { room: `calm${i}`, text: benchText(k++, 100) }).then(
              () => h.record((now() - at) * 1000),
              () => void errors++,
            ),
          );
        }),
      ),
    );
    await Promise.all(pending);
    flooding = false;
    await Promise.all(floods);
    return { others: h.summary(), otherErrors: errors, flooderAccepted: accepted, flooderRefused: refused };
  };
  const calm = await measure(false);
  // Let the other users' buckets refill before the flood phase.
  await Bun.sleep(1000);
  const flood = await measure(true);
  for (const s of [...others, flooder]) s.close();
  return { calm, flood };
}

// ---------------------------------------------------------------- uploads

async function uploadRun(job: Extract<Job, { kind: "upload" }>): Promise<unknown> {
  const { rssBytes } = await import("./procs.ts");
  const pid = job.serverPids[0]!;
  const target = job.target === "parlor" ? `${job.url}/trpc/attachment.upload` : `${job.url}/`;
  // One random body for every upload: the bytes do not compress or repeat within a file.
  const body = new Blob([crypto.getRandomValues(new Uint8Array(job.bytes)) as BlobPart]);
  const rssBefore = rssBytes(pid);
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes(pid));
  }, 20);
  const latency = new Histogram();
  const cpu = cpuWindow(job.serverPids);
  const start = now();
  const deadline = start + job.seconds * 1000;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  const uploader = async (i: number) => {
    const token = job.tokens[i % Math.max(1, job.tokens.length)];
    while (now() < deadline) {
      const form = new FormData();
      form.append("file", body, `bench-${i}.bin`);
      const at = now();
      const res = await fetch(target, {
        method: "POST",
        body: form,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }).catch((e: Error) => e);
      if (res instanceof Error || !res.ok) {
        errors++;
        firstError ??= res instanceof Error ? res.message : `${res.status} ${(await res.text()).slice(0, 300)}`;
        continue;
      }
      await res.arrayBuffer();
      latency.record((now() - at) * 1000);
      done++;
    }
  };
  await Promise.all(Array.from({ length: job.uploaders }, (_, i) => uploader(i)));
  const seconds = (now() - start) / 1000;
  clearInterval(sampler);
  const { serverCpu } = cpu();
  return {
    files: done,
    seconds,
    filesPerSecond: done / seconds,
    mibPerSecond: (done * job.bytes) / 2 ** 20 / seconds,
    latency: latency.summary(),
    rssBefore,
    peakRss,
    rssAfter: rssBytes(pid),
    serverCpu,
    errors,
    firstError,
  };
}

// ---------------------------------------------------------------- main

if (import.meta.main) {
  const job = JSON.parse(process.argv[2]!) as Job;
  const hardStop = setTimeout(() => {
    console.error(`loadgen: ${job.kind} exceeded its time limit`);
    process.exit(3);
  }, 15 * 60_000);
  const run = {
    fanout: roomsRun,
    rooms: roomsRun,
    idle: idleRun,
    handshake: handshakeRun,
    send: sendRun,
    history: historyRun,
    logins: loginsRun,
    flood: floodRun,
    upload: uploadRun,
  }[job.kind] as (j: Job) => Promise<unknown>;
  const result = await run(job);
  clearTimeout(hardStop);
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
}
