/** room.presence and room.typing through the real client: who is here, who is typing. */
import { afterEach, beforeEach, expect, test } from "bun:test";
import type { ParlorClient } from "@parlor/client";
import { appRouter } from "../../server/trpc/router.ts";
import type { RoomPresence } from "../../shared/schemas.ts";
import { outcome } from "../support/outcome.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { quietFor, waitFor } from "../support/wait.ts";

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.stop());

function watchPresence(client: ParlorClient, room: string) {
  const seen: RoomPresence[] = [];
  const sub = client.room.presence.subscribe({ room }, { onData: (p) => seen.push(p) });
  return { seen, latest: () => seen.at(-1), unsubscribe: () => sub.unsubscribe() };
}

test("people in a room see each other come and go; a user with two tabs counts once; guests are counted, not named", async () => {
  const [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
  const annSees = watchPresence(ann.client, "lobby");
  await waitFor(() => annSees.latest()?.users.join() === "ann", "ann to see herself");

  const benTab1 = watchPresence(ben.client, "lobby");
  const benTab2 = watchPresence(ben.client, "lobby");
  const guest = watchPresence(server.guest().client, "lobby");
  await waitFor(
    () => annSees.latest()?.users.join() === "ann,ben" && annSees.latest()?.guests === 1,
    "ben (once) and a guest",
  );
  expect(annSees.latest()).toEqual({ room: "lobby", users: ["ann", "ben"], guests: 1, typing: [] });
  expect((await ann.client.room.active.query()).length).toBe(0); // no messages yet: not listed

  benTab1.unsubscribe();
  await quietFor(100, () => annSees.latest()?.users, "the users ann sees");
  expect(annSees.latest()?.users).toEqual(["ann", "ben"]); // the other tab is still there
  benTab2.unsubscribe();
  guest.unsubscribe();
  await waitFor(
    () => annSees.latest()?.users.join() === "ann" && annSees.latest()?.guests === 0,
    "ben and the guest to leave",
  );
});

test("closing the connection (a closed tab) leaves the room", async () => {
  const [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
  const annSees = watchPresence(ann.client, "lobby");
  watchPresence(ben.client, "lobby");
  await waitFor(() => annSees.latest()?.users.length === 2, "both present");
  await ben.socket.close();
  await waitFor(() => annSees.latest()?.users.join() === "ann", "ben to leave when his socket closes");
});

test("typing shows to the others and clears when the message arrives; guests cannot signal typing", async () => {
  const [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
  const benSees = watchPresence(ben.client, "lobby");
  await ann.client.room.typing.mutate({ room: "lobby" });
  await waitFor(() => benSees.latest()?.typing.join() === "ann", "ann typing");
  await ann.client.room.send.mutate({ room: "lobby", text: "done typing" });
  await waitFor(() => benSees.latest()?.typing.length === 0, "the indicator to clear");
  expect(await outcome(server.guest().client.room.typing.mutate({ room: "lobby" }))).toBe("UNAUTHORIZED");
});

test("active rooms say how many are present now", async () => {
  const [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
  await ann.client.room.send.mutate({ room: "busy", text: "hi" });
  await ann.client.room.send.mutate({ room: "quiet", text: "hi" });
  watchPresence(ann.client, "busy");
  watchPresence(ben.client, "busy");
  watchPresence(server.guest().client, "busy");
  await waitFor(() => server.app.services.presence.count("busy") === 3, "three in busy");
  const rooms = await ann.client.room.active.query();
  expect(rooms.map((r) => [r.name, r.present])).toEqual([
    ["quiet", 0],
    ["busy", 3],
  ]);
});

// Regression: a stream tRPC never starts (the client left between the resolver and
// the first read) is closed without running its `finally`: presence and the
// subscription slot must be released by the subscription's signal instead.
test("a subscription abandoned before its stream starts leaves no ghost and frees its slot", async () => {
  const ctx = {
    services: server.app.services,
    user: null,
    token: null,
    ip: null,
    resHeaders: null,
    connection: {
      subscriptions: 0,
      presenceWatches: 0,
      sessionCheckedAt: Date.now(),
      drain: async () => {},
      replayBatch: async () => () => {},
    },
  };
  const abort = new AbortController();
  const caller = appRouter.createCaller(ctx, { signal: abort.signal });
  await caller.room.presence({ room: "ghosts" });
  await caller.room.messages({ room: "ghosts" });
  expect(server.app.services.presence.count("ghosts")).toBe(1);
  expect(ctx.connection.subscriptions).toBe(2);
  abort.abort(); // never iterated
  expect(server.app.services.presence.count("ghosts")).toBe(0);
  expect(ctx.connection.subscriptions).toBe(0);
});
