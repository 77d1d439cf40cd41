/**
 * What an operator scrapes at /metrics (Prometheus text format, prom-client).
 *
 * Cheap on the hot path by construction: what happens per delivery or per
 * entry is a `++` on a plain number in `counts` (always on, a few nanoseconds,
 * no allocation); prom-client reads those numbers, and the gauges (sockets,
 * subscriptions, Redis), only when scraped. The two histograms (send
 * acknowledgement and database query latency) are observed per call, not per
 * delivery, and only when metrics are on. One registry per app: nothing global.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Counted always: plain numbers, bumped where things happen, read at scrape time. */
export interface Counts {
  /** Subscription events written to sockets (one per subscriber per entry). */
  deliveries: number;
  /** Room log entries stored (messages, edits, deletes, reactions, membership changes). */
  entriesAppended: number;
  /** Calls and connections refused by a limit, by limit name. */
  refusals: Record<string, number>;
}

/** What the gauges read when scraped. */
export interface MetricSources {
  openSockets(): number;
  subscriptions(): number;
  /** Closed WebSocket connections by close code. */
  closeCodes: ReadonlyMap<number, number>;
  /** Undefined without Redis. */
  redis?: (() => { connected: boolean; reconnects: number }) | undefined;
}

export interface Metrics {
  readonly enabled: boolean;
  readonly counts: Counts;
  /** A room.send answered after `seconds` (no-op when metrics are off). */
  observeSendAck(seconds: number): void;
  /** A database query took `ms` milliseconds; `sql` tells its kind (no-op when metrics are off). */
  observeQuery(sql: string, ms: number): void;
  /** Binds the gauges to the app's state; call once. */
  bind(sources: MetricSources): void;
  /** The exposition text and its content type. */
  render(): Promise<{ body: string; contentType: string }>;
}

/** The close code that means "too slow": the slow-consumer cuts (server/trpc/ws/socket-writer.ts). */
const CLOSE_TOO_SLOW = 4003;
const QUERY_KINDS = ["select", "insert", "update", "delete"] as const;

export function createMetrics({ enabled }: { enabled: boolean }): Metrics {
  const counts: Counts = { deliveries: 0, entriesAppended: 0, refusals: {} };
  if (!enabled) {
    return {
      enabled,
      counts,
      observeSendAck() {},
      observeQuery() {},
      bind() {},
      render: () => Promise.reject(new Error("Metrics are off.")),
    };
  }

  const registers = [new Registry()];
  const [registry] = registers as [Registry];
  // Event-loop lag, process memory, CPU, open handles: prom-client's standard set.
  collectDefaultMetrics({ register: registry });

  const sendAck = new Histogram({
    name: "parlor_send_ack_seconds",
    help: "Time from a room.send call arriving to its answer (stored, published).",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  countersOf(registers, counts);

  return {
    enabled,
    counts,
    observeSendAck: (seconds) => sendAck.observe(seconds),
    observeQuery: queryObserver(registers),
    bind: (sources) => bindSources(registers, sources),
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}

/** A counter whose value is read from `read()` at each scrape. */
const sumCounter = (registers: Registry[], name: string, help: string, read: () => number) =>
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });

/** The counters of what the app counts itself (`Counts`). */
function countersOf(registers: Registry[], counts: Counts): void {
  sumCounter(
    registers,
    "parlor_deliveries_total",
    "Subscription events written to WebSockets (one per subscriber per entry).",
    () => counts.deliveries,
  );
  sumCounter(
    registers,
    "parlor_entries_appended_total",
    "Room log entries stored: messages, edits, deletes, reactions, membership changes.",
    () => counts.entriesAppended,
  );
  new Counter({
    name: "parlor_refusals_total",
    help: "Calls and connections refused by a limit (rate limits, connection caps), by limit.",
    labelNames: ["limit"],
    registers,
    collect() {
      this.reset();
      for (const [limit, n] of Object.entries(counts.refusals)) this.inc({ limit }, n);
    },
  });
}

/** Database query latency by kind of statement: the observer of each query. */
function queryObserver(registers: Registry[]): (sql: string, ms: number) => void {
  const query = new Histogram({
    name: "parlor_db_query_seconds",
    help: "Database query latency, by kind of statement.",
    labelNames: ["kind"],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    registers,
  });
  // Children made once: observing then costs no label lookup.
  const queryByLetter = new Map(QUERY_KINDS.map((k) => [k.charCodeAt(0), query.labels(k)]));
  const otherQuery = query.labels("other");
  return (sql, ms) => {
    // The first letter tells the statement apart (Kysely writes them lower-case): no string is made per query.
    (queryByLetter.get(sql.charCodeAt(0)) ?? otherQuery).observe(ms / 1000);
  };
}

/** The gauges and counters read from the app's state (sockets, subscriptions, closes, Redis). */
function bindSources(registers: Registry[], sources: MetricSources): void {
  new Gauge({
    name: "parlor_websockets_open",
    help: "Open WebSocket connections.",
    registers,
    collect() {
      this.set(sources.openSockets());
    },
  });
  new Gauge({
    name: "parlor_subscriptions_open",
    help: "Live subscriptions (room streams, presence) over all open WebSockets.",
    registers,
    collect() {
      this.set(sources.subscriptions());
    },
  });
  new Counter({
    name: "parlor_websocket_closes_total",
    help: "Closed WebSocket connections, by close code (1000 normal, 1001 going away, 1012 restart, 4003 too slow, …).",
    labelNames: ["code"],
    registers,
    collect() {
      this.reset();
      for (const [code, n] of sources.closeCodes) this.inc({ code: String(code) }, n);
    },
  });
  sumCounter(
    registers,
    "parlor_slow_consumer_cuts_total",
    "WebSockets closed because their reader fell too far behind (close code 4003).",
    () => sources.closeCodes.get(CLOSE_TOO_SLOW) ?? 0,
  );
  const redis = sources.redis;
  if (redis) {
    new Gauge({
      name: "parlor_redis_connected",
      help: "1 while both Redis connections (publish, subscribe) are ready, else 0.",
      registers,
      collect() {
        this.set(redis().connected ? 1 : 0);
      },
    });
    sumCounter(
      registers,
      "parlor_redis_reconnects_total",
      "Redis connections re-established after a loss.",
      () => redis().reconnects,
    );
  }
}
