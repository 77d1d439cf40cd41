import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHashSlotBroker, type HashSlotMessage } from "../../server/cluster/hash-slots.ts";
import { startSupervisor } from "../../server/cluster/supervisor.ts";
import { waitFor } from "../support/wait.ts";

const acquire = (id: number): HashSlotMessage => ({ channel: "hash-slot", op: "acquire", id });
const release = (id: number): HashSlotMessage => ({ channel: "hash-slot", op: "release", id });

describe("hash slot broker (the supervisor's side)", () => {
  test("lends at most `limit` slots across workers; a release lets the next waiter in, first come first served", () => {
    const broker = createHashSlotBroker(1);
    const granted: string[] = [];
    const to = (worker: number) => (m: HashSlotMessage) => granted.push(`${worker}:${m.id}`);
    broker.handle(1, acquire(1), to(1));
    broker.handle(2, acquire(1), to(2));
    broker.handle(2, acquire(2), to(2));
    expect(granted).toEqual(["1:1"]);
    broker.handle(1, release(1), to(1));
    expect(granted).toEqual(["1:1", "2:1"]);
    broker.handle(2, release(1), to(2));
    expect(granted).toEqual(["1:1", "2:1", "2:2"]);
    expect(broker.active()).toBe(1);
  });

  test("a worker that dies holding slots gives them back, and its waiting requests are dropped", () => {
    const broker = createHashSlotBroker(1);
    const granted: string[] = [];
    const to = (worker: number) => (m: HashSlotMessage) => granted.push(`${worker}:${m.id}`);
    broker.handle(1, acquire(1), to(1));
    broker.handle(1, acquire(2), to(1));
    broker.handle(2, acquire(1), to(2));
    broker.workerExited(1);
    expect(granted).toEqual(["1:1", "2:1"]);
    expect(broker.active()).toBe(1);
  });

  test("other IPC messages are not its business", () => {
    const broker = createHashSlotBroker(1);
    expect(broker.handle(1, { hello: "world" }, () => {})).toBe(false);
    expect(broker.handle(1, "text", () => {})).toBe(false);
  });
});

describe("hash slots across real worker processes", () => {
  test("with HASH_CONCURRENCY=1 and two workers under the supervisor, never two hashes at once on the machine", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parlor-hash-"));
    const log = join(dir, "hashes.log");
    const supervisor = startSupervisor({
      workers: 2,
      command: [process.execPath, new URL("../support/fixtures/hashing-worker.ts", import.meta.url).pathname],
      env: { PATH: process.env.PATH, HASH_LOG: log, HASH_TASKS: "6" },
      hashConcurrency: 1,
      log: () => {},
    });
    try {
      const lines = () => readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
      await waitFor(
        () => {
          try {
            return lines().length === 2 * 2 * 6;
          } catch {
            return false;
          }
        },
        "both workers' 12 tasks to finish",
        15_000,
      );
      // Every task ran, and each "start" came after the previous task's "end": one at a time, machine-wide.
      let running = 0;
      let peak = 0;
      for (const line of lines()) {
        running += line.startsWith("start") ? 1 : -1;
        peak = Math.max(peak, running);
      }
      expect(peak).toBe(1);
      expect(
        new Set(
          lines()
            .filter((l) => l.startsWith("end"))
            .map((l) => l.split(" ")[1]!.split(".")[0]),
        ).size,
      ).toBe(2);
    } finally {
      await supervisor.stop(2000);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
