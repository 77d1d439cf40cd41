/**
 * Operating a real Parlor: /metrics after real traffic through the real
 * client, /readyz as Redis goes down and comes back and during a graceful
 * shutdown, and log lines that carry an id and never a secret.
 */
import { describe, expect, test } from "bun:test";
import { createLogger } from "../../server/ops/log.ts";
import { describeWithServices, redisServerBinary, startPrivateRedis } from "../support/backends.ts";
import { failure } from "../support/outcome.ts";
import { startTestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { eventually } from "../support/wait.ts";

const TOKEN = "metrics-token-for-the-tests-0123";

/** The samples of a Prometheus text exposition: `name{labels}` → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toStartWith("text/plain");
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe("/metrics", () => {
  test("is off by default: 404, and nothing is collected", async () => {
    await using server = await startTestServer();
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    expect(server.app.metrics.enabled).toBe(false);
  });

  test("with METRICS_TOKEN: 401 without the token or with a wrong one (or a cookie), 200 with it", async () => {
    await using server = await startTestServer({ METRICS_TOKEN: TOKEN });
    const ann = await server.signUp("ann");
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ann.token}` } })).status).toBe(
      401,
    );
    expect((await fetch(`${server.url}/metrics`, { headers: { cookie: `parlor_session=${ann.token}` } })).status).toBe(
      401,
    );
    await scrape(server.url);
  });

  test("after real traffic the counters have moved: sockets, subscriptions, deliveries, entries, send latency, queries, refusals, closes", async () => {
    await using server = await startTestServer({ METRICS_TOKEN: TOKEN, SEND_BURST: "6", SEND_PER_SECOND: "0.1" });
    const before = await scrape(server.url);
    expect(before.get("parlor_websockets_open")).toBe(0);
    expect(before.get("parlor_deliveries_total")).toBe(0);

    const [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
    const annSub = subscribeRoom(ann.client, { room: "lobby" });
    const benSub = subscribeRoom(ben.client, { room: "lobby" });
    await Promise.all([annSub.started, benSub.started]);
    const first = await ann.client.room.send.mutate({ room: "lobby", text: "one" });
    for (const text of ["two", "three", "four", "five"]) await ann.client.room.send.mutate({ room: "lobby", text });
    await ann.client.room.edit.mutate({ room: "lobby", seq: first.seq, text: "one, edited" });
    // The 7th call of the burst of 6 is refused.
    expect((await failure(ann.client.room.send.mutate({ room: "lobby", text: "too many" }))).code).toBe(
      "TOO_MANY_REQUESTS",
    );
    await Promise.all([annSub.waitForEntries(6), benSub.waitForEntries(6)]);

    const during = await scrape(server.url);
    expect(during.get("parlor_websockets_open")).toBe(2);
    expect(during.get("parlor_subscriptions_open")).toBe(2);
    expect(during.get("parlor_entries_appended_total")).toBe(6);
    // Six entries to each of two subscribers.
    expect(during.get("parlor_deliveries_total")).toBe(12);
    expect(during.get("parlor_send_ack_seconds_count")).toBe(5);
    expect(during.get("parlor_send_ack_seconds_sum")).toBeGreaterThan(0);
    expect(during.get('parlor_refusals_total{limit="send"}')).toBe(1);
    expect(during.get('parlor_db_query_seconds_count{kind="insert"}')).toBeGreaterThanOrEqual(5);
    expect(during.get('parlor_db_query_seconds_count{kind="select"}')).toBeGreaterThan(0);
    expect(during.get("parlor_slow_consumer_cuts_total")).toBe(0);
    expect(during.get("process_resident_memory_bytes")).toBeGreaterThan(1e6);
    expect(during.has("nodejs_eventloop_lag_seconds")).toBe(true);

    annSub.unsubscribe();
    await eventually(
      async () => (await scrape(server.url)).get("parlor_subscriptions_open") === 1,
      "the subscription to end",
      5000,
    );
    await ben.socket.close();
    await eventually(
      async () => (await scrape(server.url)).get("parlor_websockets_open") === 1,
      "ben's socket to close",
      5000,
    );
    const after = await scrape(server.url);
    const closes = [...after]
      .filter(([k]) => k.startsWith("parlor_websocket_closes_total"))
      .reduce((n, [, v]) => n + v, 0);
    expect(closes).toBe(1);
  });
});

describe("/healthz and /readyz", () => {
  test("/healthz answers while the process does; /readyz says ready with nothing missing", async () => {
    await using server = await startTestServer();
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true });
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true, missing: [] });
  });

  test("during a graceful shutdown /readyz is 503 'shutting down' while requests are still served", async () => {
    const server = await startTestServer({ SHUTDOWN_DELAY_MS: "1500" });
    const stopped = server.stop();
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ ready: false, missing: ["shutting down"] });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    await stopped;
  });
});

await describeWithServices("/readyz while Redis goes down and comes back", [redisServerBinary], () => {
  test("503 naming redis while it is down, 200 once it is back; the reconnect is counted", async () => {
    const redis = await startPrivateRedis();
    try {
      await using server = await startTestServer({
        REDIS_URL: redis.url,
        WORKERS: "1",
        REDIS_PREFIX: `readyz${process.pid}:`,
        METRICS_TOKEN: TOKEN,
      });
      const readyz = async () => {
        const res = await fetch(`${server.url}/readyz`);
        return { status: res.status, body: (await res.json()) as { ready: boolean; missing: string[] } };
      };
      expect(await readyz()).toEqual({ status: 200, body: { ready: true, missing: [] } });
      expect((await scrape(server.url)).get("parlor_redis_connected")).toBe(1);

      await redis.stop();
      await eventually(async () => (await readyz()).status === 503, "/readyz to notice Redis is gone", 10_000);
      expect(await readyz()).toEqual({ status: 503, body: { ready: false, missing: ["redis"] } });
      expect((await scrape(server.url)).get("parlor_redis_connected")).toBe(0);

      await redis.start();
      await eventually(async () => (await readyz()).status === 200, "/readyz to see Redis back", 10_000);
      const samples = await scrape(server.url);
      expect(samples.get("parlor_redis_connected")).toBe(1);
      expect(samples.get("parlor_redis_reconnects_total")).toBeGreaterThanOrEqual(2);
    } finally {
      await redis.stop();
    }
  }, 30_000);
});

describe("logs", () => {
  test("at debug, every line about a request or a connection names it, and no line holds a password, token or cookie", async () => {
    const lines: string[] = [];
    const log = await createLogger({
      level: "debug",
      pretty: false,
      destination: { write: (line: string) => void lines.push(line) },
    });
    const password = "correct horse battery";
    await using server = await startTestServer({}, { log });
    const ann = await server.signUp("ann");
    await ann.client.auth.login.mutate({ username: "ann", password });
    const sub = subscribeRoom(ann.client, { room: "lobby" });
    await sub.started;
    await ann.client.room.send.mutate({ room: "lobby", text: "hello" });
    await fetch(`${server.url}/api/messages/lobby/`, {
      headers: { cookie: `parlor_session=${ann.token}`, authorization: `Bearer ${ann.token}` },
    });
    await ann.socket.close();
    await eventually(async () => lines.some((l) => l.includes("websocket closed")), "the close to be logged");

    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const requests = parsed.filter((l) => l.msg === "request");
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const line of requests)
      expect(line).toMatchObject({
        level: 20,
        req: expect.stringMatching(/^r/),
        method: expect.any(String),
        status: expect.any(Number),
      });
    expect(new Set(requests.map((l) => l.req)).size).toBe(requests.length);
    const sockets = parsed.filter((l) => String(l.msg).startsWith("websocket"));
    expect(sockets.map((l) => l.msg)).toEqual(["websocket opened", "websocket closed"]);
    expect(sockets[0]!.conn).toBe(sockets[1]!.conn!);
    for (const line of lines) {
      expect(line).not.toContain(password);
      expect(line).not.toContain(ann.token);
    }
  });

  test("fields that may hold a secret are redacted wherever they sit", async () => {
    const lines: string[] = [];
    const log = await createLogger({
      level: "info",
      pretty: false,
      destination: { write: (line: string) => void lines.push(line) },
    });
    log.info(
      {
        password: "p1",
        token: "t1",
        headers: { authorization: "Bearer t2", cookie: "s=t3" },
        input: { password: "p2", user: { token: "t4" } },
        connectionParams: { token: "t5" },
      },
      "x",
    );
    const line = lines[0]!;
    for (const secret of ["p1", "p2", "t1", "t2", "t3", "t4", "t5"]) expect(line).not.toContain(`"${secret}`);
    expect(JSON.parse(line)).toMatchObject({
      password: "[redacted]",
      headers: { authorization: "[redacted]", cookie: "[redacted]" },
      input: { password: "[redacted]" },
    });
  });
});
