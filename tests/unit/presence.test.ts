/**
 * Presence across processes: two Presence instances on one group layer are two
 * processes sharing state through heartbeats (run on every group layer, Redis too).
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { createPresence, type Presence } from "../../server/presence/presence.ts";
import type { RoomPresence } from "../../shared/schemas.ts";
import { describeEach, groupLayerBackends, type TestGroups } from "../support/backends.ts";
import { waitFor } from "../support/wait.ts";

const TIMING = { heartbeatMs: 60, ttlMs: 200, flushMs: 10, typingTtlMs: 150 };

/** Records every snapshot a watcher receives. */
function watch(p: Presence, room: string) {
  const ac = new AbortController();
  const seen: RoomPresence[] = [];
  void (async () => {
    for await (const snap of p.watch(room, ac.signal)) seen.push(snap);
  })();
  return { seen, latest: () => seen.at(-1), stop: () => ac.abort() };
}

await describeEach("presence", groupLayerBackends, (backend) => {
  let env: TestGroups & { dispose(): Promise<void> };
  let a: Presence;
  let b: Presence;
  let room: string;
  let n = 0;
  beforeEach(async () => {
    env = await backend.create();
    a = createPresence({ groups: env.groups, processId: "process-a", ...TIMING });
    b = createPresence({ groups: env.groups, processId: "process-b", ...TIMING });
    await Promise.all([a.start(), b.start()]);
    room = `presence-${process.pid}-${++n}`;
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    await env.dispose();
  });

  test("a watcher gets the room's presence at once, then each change; users on other processes included", async () => {
    const w = watch(a, room);
    await waitFor(() => w.seen.length === 1, "the first snapshot");
    expect(w.latest()).toEqual({ room, users: [], guests: 0, typing: [] });
    const leaveAnn = a.enter(room, "ann");
    b.enter(room, "ben");
    b.enter(room, null);
    await waitFor(() => w.latest()?.users.length === 2 && w.latest()?.guests === 1, "ann, ben and a guest");
    expect(w.latest()).toEqual({ room, users: ["ann", "ben"], guests: 1, typing: [] });
    leaveAnn();
    await waitFor(() => w.latest()?.users.join() === "ben", "ann to leave");
    expect(a.count(room)).toBe(2);
    w.stop();
  });

  test("a user with several tabs, on one process or several, is present once", async () => {
    a.enter(room, "ann");
    a.enter(room, "ann");
    b.enter(room, "ann");
    const w = watch(b, room);
    await waitFor(() => w.latest()?.users.length === 1 && a.count(room) === 1, "ann once, everywhere");
    expect(w.latest()?.users).toEqual(["ann"]);
    w.stop();
  });

  test("a process that stops heartbeating (killed) loses its users after the TTL", async () => {
    b.enter(room, "ben");
    const w = watch(a, room);
    await waitFor(() => w.latest()?.users.includes("ben") === true, "ben to be seen");
    await b.close(); // no leave: like a SIGKILL, its heartbeats just stop
    const gone = Date.now();
    await waitFor(() => w.latest()?.users.length === 0, "ben to expire", 2000);
    expect(Date.now() - gone).toBeLessThan(TIMING.ttlMs + TIMING.heartbeatMs * 4);
    w.stop();
  });

  test("typing shows on every process and ends by itself, or at once when stopped", async () => {
    const w = watch(b, room);
    await a.typing(room, "ann", true);
    await waitFor(() => w.latest()?.typing.join() === "ann", "ann typing");
    await waitFor(() => w.latest()?.typing.length === 0, "the typing signal to expire", 2000);
    await a.typing(room, "ann", true);
    await waitFor(() => w.latest()?.typing.join() === "ann", "ann typing again");
    await a.typing(room, "ann", false);
    await waitFor(() => w.latest()?.typing.length === 0, "ann to stop");
    w.stop();
  });

  test("regression: a change while someone types is sent at once, not held until their typing signal expires", async () => {
    const slowExpiry = createPresence({ groups: env.groups, processId: "process-c", ...TIMING, typingTtlMs: 5_000 });
    await slowExpiry.start();
    const w = watch(slowExpiry, room);
    await slowExpiry.typing(room, "ann", true);
    await waitFor(() => w.latest()?.typing.join() === "ann", "ann typing");
    const leave = slowExpiry.enter(room, "ben");
    await waitFor(() => w.latest()?.users.join() === "ben", "ben to arrive while ann types", 1_000);
    await slowExpiry.typing(room, "ann", false);
    await waitFor(() => w.latest()?.typing.length === 0, "ann's message to end her typing", 1_000);
    leave();
    w.stop();
    await slowExpiry.close();
  });

  test("a storm of 1,000 arrivals reaches each watcher as a handful of snapshots, not 1,000 events", async () => {
    const w = watch(a, room);
    await waitFor(() => w.seen.length === 1, "the first snapshot");
    for (let i = 0; i < 1000; i++) (i % 2 ? a : b).enter(room, i % 10 === 0 ? null : `user${i}`);
    await waitFor(() => (w.latest()?.users.length ?? 0) + (w.latest()?.guests ?? 0) === 1000, "all 1,000 present");
    expect(w.seen.length).toBeLessThan(20);
    w.stop();
  });
});
