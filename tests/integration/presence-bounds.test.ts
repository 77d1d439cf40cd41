/**
 * What one client can make presence cost everyone else, through the real client
 * over a real WebSocket: a bounded number of presence watches per connection,
 * and a guest joining and leaving in a loop costs other watchers and the group
 * layer a number of messages bounded by time, not by how often it flaps.
 */
import { afterEach, expect, test } from "bun:test";
import type { ParlorClient, ParlorClientError } from "@parlor/client";
import type { GroupLayer } from "../../server/groups/group-layer.ts";
import { createMemoryGroupLayer } from "../../server/groups/memory.ts";
import { MAX_PRESENCE_WATCHES_PER_CONNECTION } from "../../server/limits/defaults.ts";
import { PRESENCE_GROUP } from "../../server/presence/presence.ts";
import type { RoomPresence } from "../../shared/schemas.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

let server: TestServer | undefined;
afterEach(() => server?.stop());

/** The memory layer, counting what is published to the presence group (every process would receive each). */
function countingGroups(): { groups: GroupLayer; presencePublishes: () => number } {
  const inner = createMemoryGroupLayer();
  let presencePublishes = 0;
  return {
    presencePublishes: () => presencePublishes,
    groups: {
      local: inner.local,
      publish(group, event) {
        if (group === PRESENCE_GROUP) presencePublishes++;
        return inner.publish(group, event);
      },
      subscribe: (group, options) => inner.subscribe(group, options),
      subscriberCount: (group) => inner.subscriberCount(group),
      close: () => inner.close(),
    },
  };
}

function watchPresence(client: ParlorClient, room: string) {
  const seen: RoomPresence[] = [];
  const errors: ParlorClientError[] = [];
  const sub = client.room.presence.subscribe({ room }, { onData: (p) => seen.push(p), onError: (e) => errors.push(e) });
  return { seen, errors, latest: () => seen.at(-1), unsubscribe: () => sub.unsubscribe() };
}

test(`one connection may watch the presence of ${MAX_PRESENCE_WATCHES_PER_CONNECTION} rooms; the next is TOO_MANY_REQUESTS, the others carry on, and a freed slot can be used again`, async () => {
  server = await startTestServer();
  const guest = server.guest();
  const watches = Array.from({ length: MAX_PRESENCE_WATCHES_PER_CONNECTION }, (_, i) =>
    watchPresence(guest.client, `room${i}`),
  );
  await waitFor(() => watches.every((w) => w.seen.length === 1), "the first snapshot of every allowed watch");
  const over = watchPresence(guest.client, "one-too-many");
  await waitFor(() => over.errors.length === 1, "the extra watch to be refused");
  expect(over.errors[0]!.data?.code).toBe("TOO_MANY_REQUESTS");
  expect(server.app.services.presence.count("one-too-many")).toBe(0);
  // The refused one took nothing: the others still count the guest, and a freed slot is usable.
  expect(server.app.services.presence.count("room0")).toBe(1);
  watches[0]!.unsubscribe();
  await waitFor(() => server!.app.services.presence.count("room0") === 0, "room0 to be left");
  const again = watchPresence(guest.client, "one-too-many");
  await waitFor(() => again.seen.length === 1, "a watch in the freed slot");
  expect(again.errors).toEqual([]);
  // Another connection has slots of its own.
  const other = watchPresence(server.guest().client, "room-elsewhere");
  await waitFor(() => other.seen.length === 1, "another connection's watch");
});

test("200 join/leave cycles by one guest cost another watcher a few snapshots and the group layer a few publishes, bounded by time (≤ 1 per 250 ms), not 400", async () => {
  const counting = countingGroups();
  server = await startTestServer({}, { groups: counting.groups });
  const ann = await server.signUp("ann");
  const annSees = watchPresence(ann.client, "flapping");
  await waitFor(() => annSees.latest()?.users.join() === "ann", "ann to see herself");
  await Bun.sleep(300); // let ann's own arrival settle
  const snapshotsBefore = annSees.seen.length;
  const publishesBefore = counting.presencePublishes();

  const guest = server.guest();
  const started = performance.now();
  for (let i = 0; i < 200; i++) {
    const w = watchPresence(guest.client, "flapping");
    await waitFor(() => w.seen.length > 0 || w.errors.length > 0, `cycle ${i}'s first snapshot`);
    w.unsubscribe();
  }
  const elapsedMs = performance.now() - started;
  await waitFor(() => server!.app.services.presence.count("flapping") === 1, "the guest to be gone");
  await Bun.sleep(600); // any held-back snapshot and publish go out
  expect(annSees.latest()).toEqual({ room: "flapping", users: ["ann"], guests: 0, typing: [] });

  const windows = Math.ceil((elapsedMs + 600) / 250);
  const snapshots = annSees.seen.length - snapshotsBefore;
  const publishes = counting.presencePublishes() - publishesBefore;
  // At most one snapshot per 250 ms per room, and one change-publish per 250 ms plus the heartbeat every 2 s.
  expect({ snapshots, withinBound: snapshots <= windows + 1 }).toEqual({ snapshots, withinBound: true });
  expect({ publishes, withinBound: publishes <= windows + Math.ceil((elapsedMs + 600) / 2000) + 1 }).toEqual({
    publishes,
    withinBound: true,
  });
  expect(snapshots).toBeLessThan(200);
  console.log(
    `200 cycles in ${Math.round(elapsedMs)} ms: ${snapshots} snapshots to ann, ${publishes} presence publishes`,
  );
});
