/**
 * Presence stays bounded whatever the number of rooms and people: heartbeats
 * are cut into parts the schema accepts, an over-sized heartbeat from elsewhere
 * is refused, and a part no longer needed is cleared at once.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { heartbeatParts } from "../../server/presence/heartbeat-parts.ts";
import { createPresence, PRESENCE_GROUP, type Presence } from "../../server/presence/presence.ts";
import { PRESENCE_HEARTBEAT_MAX_NAMES, PRESENCE_HEARTBEAT_MAX_ROOMS, ProcessPresence } from "../../shared/schemas.ts";
import { describeEach, groupLayerBackends, type TestGroups } from "../support/backends.ts";
import { waitFor } from "../support/wait.ts";

type State = { users: Map<string, number>; guests: number };
const roomsOf = (n: number, people: (i: number) => State) =>
  new Map(Array.from({ length: n }, (_, i) => [`room-${String(i).padStart(4, "0")}`, people(i)]));
const guests = (n: number): State => ({ users: new Map(), guests: n });
const users = (names: string[], g = 0): State => ({ users: new Map(names.map((u) => [u, 1])), guests: g });

describe("heartbeatParts", () => {
  test("600 rooms of one guest each become 3 parts of at most 256 rooms; every room is in exactly one, and each part passes the schema", () => {
    const parts = heartbeatParts(roomsOf(600, () => guests(1)));
    expect(parts.map((p) => Object.keys(p).length)).toEqual([256, 256, 88]);
    const all = parts.flatMap((p) => Object.keys(p));
    expect(new Set(all).size).toBe(600);
    for (const rooms of parts)
      expect(ProcessPresence.safeParse({ type: "presence", process: "p", rooms, ttlMs: 6000 }).success).toBe(true);
  });

  test("one room of 2,500 signed-in people and 7 guests is spread over 3 parts: the union is everyone, the guests are counted once", () => {
    const names = Array.from({ length: 2500 }, (_, i) => `user${i}`);
    const parts = heartbeatParts(new Map([["crowded", users(names, 7)]]));
    expect(parts).toHaveLength(3);
    expect(parts.map((p) => p.crowded!.users.length)).toEqual([1000, 1000, 500]);
    expect(new Set(parts.flatMap((p) => p.crowded!.users))).toEqual(new Set(names));
    expect(parts.map((p) => p.crowded!.guests)).toEqual([7, 0, 0]);
    for (const rooms of parts)
      expect(ProcessPresence.safeParse({ type: "presence", process: "p", rooms, ttlMs: 6000 }).success).toBe(true);
  });

  test("no rooms is one empty part (the heartbeat that says 'nobody here')", () => {
    expect(heartbeatParts(new Map())).toEqual([{}]);
  });
});

describe("ProcessPresence schema", () => {
  const heartbeat = (rooms: Record<string, { users: string[]; guests: number }>) => ({
    type: "presence",
    process: "p",
    rooms,
    ttlMs: 6000,
  });
  const manyRooms = (n: number) =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`r${i}`, { users: [], guests: 1 }]));

  test(`${PRESENCE_HEARTBEAT_MAX_ROOMS} rooms pass; ${PRESENCE_HEARTBEAT_MAX_ROOMS + 1} are refused`, () => {
    expect(ProcessPresence.safeParse(heartbeat(manyRooms(PRESENCE_HEARTBEAT_MAX_ROOMS))).success).toBe(true);
    expect(ProcessPresence.safeParse(heartbeat(manyRooms(PRESENCE_HEARTBEAT_MAX_ROOMS + 1))).success).toBe(false);
  });

  test(`${PRESENCE_HEARTBEAT_MAX_NAMES + 1} names over two rooms are refused; a bad room name or a huge TTL too`, () => {
    const half = (from: number) => Array.from({ length: 501 }, (_, i) => `u${from + i}`);
    expect(
      ProcessPresence.safeParse(heartbeat({ a: { users: half(0), guests: 0 }, b: { users: half(1000), guests: 0 } }))
        .success,
    ).toBe(false);
    expect(ProcessPresence.safeParse(heartbeat({ "../x": { users: [], guests: 1 } })).success).toBe(false);
    expect(ProcessPresence.safeParse({ ...heartbeat({}), ttlMs: 10 * 3_600_000 }).success).toBe(false);
  });
});

const TIMING = { heartbeatMs: 100, ttlMs: 5_000, flushMs: 10 };

await describeEach("bounded heartbeats", groupLayerBackends, (backend) => {
  let env: TestGroups & { dispose(): Promise<void> };
  let a: Presence;
  let b: Presence;
  let n = 0;
  let prefix: string;
  beforeEach(async () => {
    env = await backend.create();
    prefix = `bounds-${process.pid}-${++n}`;
    a = createPresence({ groups: env.groups, processId: `${prefix}-a`, ...TIMING });
    b = createPresence({ groups: env.groups, processId: `${prefix}-b`, ...TIMING });
    await Promise.all([a.start(), b.start()]);
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await env.dispose();
  });

  test("a process with 600 rooms is seen in all 600 by another; when it leaves 590 of them, they clear at once, not after the 5 s TTL", async () => {
    const rooms = Array.from({ length: 600 }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
    const leave = rooms.map((room) => a.enter(room, null));
    await waitFor(() => rooms.every((room) => b.count(room) === 1), "all 600 rooms seen by the other process", 5_000);
    for (const l of leave.slice(10)) l();
    await waitFor(() => rooms.slice(10).every((room) => b.count(room) === 0), "the 590 rooms to clear", 1_500);
    expect(rooms.slice(0, 10).map((room) => b.count(room))).toEqual(Array(10).fill(1));
  });
});

await describeEach(
  "an over-sized heartbeat from elsewhere",
  groupLayerBackends.filter((g) => g.name === "redis"),
  (backend) => {
    test(`a heartbeat naming ${PRESENCE_HEARTBEAT_MAX_ROOMS + 1} rooms, published through Redis, is refused by the schema: nobody is counted`, async () => {
      const env = await backend.create();
      const b = createPresence({ groups: env.groups, processId: "listener", ...TIMING });
      await b.start();
      try {
        const rooms = Object.fromEntries(
          Array.from({ length: PRESENCE_HEARTBEAT_MAX_ROOMS + 1 }, (_, i) => [
            `big${i}`,
            { users: ["mallory"], guests: 1 },
          ]),
        );
        const fits = { small: { users: ["ann"], guests: 0 } };
        await env.groups.publish(PRESENCE_GROUP, { type: "presence", process: "flooder", rooms, ttlMs: 6000 });
        await env.groups.publish(PRESENCE_GROUP, { type: "presence", process: "fine", rooms: fits, ttlMs: 6000 });
        // The well-formed one arrives after the big one: once it is counted, the big one was dropped, not late.
        await waitFor(() => b.count("small") === 1, "the well-formed heartbeat");
        expect(b.count("big0")).toBe(0);
        expect(b.count(`big${PRESENCE_HEARTBEAT_MAX_ROOMS}`)).toBe(0);
      } finally {
        await b.close();
        await env.dispose();
      }
    });
  },
);
