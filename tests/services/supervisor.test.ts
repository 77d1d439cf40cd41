/**
 * `WORKERS=2 bun server/main.ts`: a supervisor and two workers sharing one port,
 * on Redis and PostgreSQL. Workers killed with SIGKILL: the supervisor restarts
 * them, and clients reconnect (to whichever worker the kernel picks) and resume
 * without missing a message.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import {
  createPostgresSchema,
  describeWithServices,
  postgresService,
  redisService,
  testRedisUrl,
  uniqueRedisPrefix,
} from "../support/backends.ts";
import { fullHistory } from "../support/history.ts";
import { type ParlorProcess, startParlorProcess, withRetry } from "../support/parlor-process.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { quietFor } from "../support/wait.ts";

const WORKER_LINE = /Parlor worker (\d+) \(pid (\d+)\) listening/;

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

await describeWithServices("the supervisor (WORKERS=2)", [postgresService, redisService], () => {
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let parlor: ParlorProcess;
  /** Live worker pid by worker number, as the workers announced themselves. */
  const workers = new Map<number, number>();

  async function nextWorkerLine() {
    const [, n, pid] = await parlor.waitForLine(WORKER_LINE);
    workers.set(Number(n), Number(pid));
    return { n: Number(n), pid: Number(pid) };
  }

  beforeAll(async () => {
    schema = await createPostgresSchema();
    parlor = await startParlorProcess({
      database: schema.url,
      redis: { url: await testRedisUrl(), prefix: uniqueRedisPrefix() },
      env: { WORKERS: "2" },
    });
    await nextWorkerLine();
    await nextWorkerLine();
  }, 30_000);

  afterAll(async () => {
    await parlor?.stop();
    // A supervisor that stops takes its workers with it.
    for (const pid of workers.values()) expect(isAlive(pid)).toBe(false);
    await schema?.drop();
  });

  test("a worker killed with SIGKILL is restarted; clients reconnect to the others and miss nothing", async () => {
    expect([...workers.keys()].sort()).toEqual([1, 2]);
    const room = "supervised";
    const sender = await withRetry(() => parlor.signUp());
    const closes = [0, 0, 0, 0];
    const subs = closes.map((_, i) => subscribeRoom(parlor.guest({ onClose: () => closes[i]!++ }).client, { room }));
    await Promise.all(subs.map((s) => s.started));

    let sent = 0;
    const sendSome = async (n: number) => {
      // A send may meet a dying worker: retry (a send that was stored before the crash may repeat; seqs stay gapless).
      for (let i = 0; i < n; i++) await withRetry(() => sender.client.room.send.mutate({ room, text: `m${sent++}` }));
    };

    await sendSome(5);
    // Kill each worker in turn: every client was connected to one of them.
    for (const n of [1, 2]) {
      const pid = workers.get(n)!;
      process.kill(pid, "SIGKILL");
      await sendSome(5);
      const [, exited] = await parlor.waitForLine(
        new RegExp(`Parlor worker ${n} \\(pid ${pid}\\) exited \\((\\w+)\\)`),
      );
      expect(exited).toBe("SIGKILL");
      const restarted = await nextWorkerLine();
      expect(restarted.n).toBe(n);
      expect(restarted.pid).not.toBe(pid);
      expect(isAlive(pid)).toBe(false);
    }
    await sendSome(5);

    const history = await fullHistory(sender.client, room);
    expect(history.map((m) => m.seq)).toEqual(Array.from({ length: history.length }, (_, i) => i + 1));
    for (const sub of subs) await sub.waitForCount(history.length, 15_000);
    await quietFor(100, () => subs.map((s) => s.messages.length), "the messages each client received");
    for (const [i, sub] of subs.entries()) {
      expect(sub.messages.map((m) => ({ seq: m.seq, text: m.text }))).toEqual(history);
      // Each client lost its connection at least once, and came back.
      expect(closes[i]).toBeGreaterThanOrEqual(1);
    }
    for (const s of subs) s.unsubscribe();
  }, 60_000);
});
