/**
 * The bench harness itself, on tiny sizes: the histogram, and one fan-out run
 * against each server that counts every delivery. Speed is never asserted here;
 * it lives in `bun run bench`'s output.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { benchCounter, benchText } from "./bench-socket.ts";
import { Histogram } from "./histogram.ts";
import type { PhaseResult } from "./loadgen.ts";
import { frameSeq } from "./nodes-load.ts";
import { spawnChild } from "./procs.ts";
import { type BenchServer, benchUsers, startBare, startParlor } from "./servers.ts";

describe("nodes-load", () => {
  test("reads the seq (the tracked id) of a room.messages data frame, and the counter of its text", () => {
    const frame = `{"id":3,"result":{"type":"data","id":"42","data":{"kind":"message","seq":42,"message":{"text":"#17#xx"}}}}`;
    expect(frameSeq(frame)).toBe(42);
    expect(benchCounter(frame)).toBe(17);
    expect(frameSeq(`{"id":3,"result":{"type":"started"}}`)).toBe(-1);
  });
});

describe("histogram", () => {
  test("percentiles stay within a bucket's width of the exact value", () => {
    const h = new Histogram();
    for (let v = 1; v <= 10_000; v++) h.record(v);
    expect(Math.abs(h.percentile(50) - 5000) / 5000).toBeLessThan(0.02);
    expect(Math.abs(h.percentile(99) - 9900) / 9900).toBeLessThan(0.02);
    expect(h.percentile(100)).toBe(10_000);
  });

  test("merges across processes through its JSON form", () => {
    const a = new Histogram();
    const b = new Histogram();
    a.record(10);
    b.record(1_000_000);
    const merged = Histogram.from(JSON.parse(JSON.stringify(a))).merge(b);
    expect(merged.count).toBe(2);
    expect(merged.max).toBe(1_000_000);
  });
});

test("a text carries its counter and has the payload's size", () => {
  const text = benchText(42, 100);
  expect(text.length).toBe(100);
  expect(benchCounter(JSON.stringify({ id: 1, result: { type: "data", data: { text } } }))).toBe(42);
});

describe("a tiny fan-out, counted", () => {
  let bare: BenchServer;
  let parlor: BenchServer;
  beforeAll(async () => {
    [bare, parlor] = await Promise.all([startBare(null), startParlor({ cpu: null })]);
  });
  afterAll(async () => {
    await Promise.all([bare?.stop(), parlor?.stop()]);
  });

  const run = async (job: object) => {
    const child = spawnChild(["bun", `${import.meta.dir}/loadgen.ts`, JSON.stringify(job)]);
    const m = await child.line(/^RESULT (.*)$/, 15_000);
    await child.stop();
    return JSON.parse(m[1]!) as { phases: PhaseResult[] };
  };
  const phases = [
    { name: "max", mode: "max", window: 2, seconds: 1, maxMessages: 5 },
    { name: "rate", mode: "rate", rate: 20, seconds: 0.25 },
  ];

  for (const target of ["bare", "parlor"] as const) {
    test(`${target}: every subscriber gets every message once`, async () => {
      const server = target === "bare" ? bare : parlor;
      const token = target === "parlor" ? (await benchUsers(parlor.url, 1, "smoke"))[0]!.token : undefined;
      const result = await run({
        kind: "fanout",
        target,
        wsUrl: server.wsUrl,
        n: 3,
        room: "smoke",
        token,
        payload: 100,
        phases,
        serverPids: [server.pid],
      });
      expect(result.phases.map((p) => [p.sent, p.expected, p.received, p.duplicates, p.lost, p.errors])).toEqual([
        [5, 15, 15, 0, 0, 0],
        [5, 15, 15, 0, 0, 0],
      ]);
    });
  }
});
