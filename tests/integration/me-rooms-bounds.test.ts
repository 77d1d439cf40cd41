/**
 * One `me.rooms` frame used to freeze the server (issue 19, hole 5): a user
 * with 200 rooms sent one frame of 100 `me.rooms` subscriptions, and each
 * followed every room with a group subscription and ~7 queries (20,000
 * follows; /healthz 26 ms → 6–13 s). Now a connection holds one watch (the
 * rest are refused with TOO_MANY_REQUESTS) and a watch reads the counts of all
 * its rooms in one statement. Work is counted in statements (the server's own
 * query counter at /metrics), not timed.
 */
import { expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import type { MeRoomsEvent } from "../../shared/schemas.ts";
import { startTestServer } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

const TOKEN = "metrics-token-for-the-me-rooms-test";
const ROOMS = 40;
const SUBSCRIPTIONS = 100;

/** SELECT statements the server has run so far (parlor_db_query_seconds_count{kind="select"}). */
async function selects(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const line = text.split("\n").find((l) => l.startsWith('parlor_db_query_seconds_count{kind="select"}'));
  return Number(line?.split(" ").at(-1) ?? 0);
}

test(`a frame of ${SUBSCRIPTIONS} me.rooms from a user with ${ROOMS} rooms: one watch runs, the others are TOO_MANY_REQUESTS, and its snapshot costs a handful of statements, not rooms × subscriptions`, async () => {
  await using server = await startTestServer({
    METRICS_TOKEN: TOKEN,
    ROOM_CREATE_BURST: String(ROOMS),
    SEND_BURST: "1000",
  });
  const ann = await server.signUp("ann");
  for (let i = 0; i < ROOMS; i++)
    await ann.client.room.create.mutate({ room: `r${i}`, visibility: i % 2 ? "private" : "public" });
  await ann.client.room.send.mutate({ room: "r0", text: "hello @ann" });
  const ben = await server.signUp("ben");
  await ben.client.room.send.mutate({ room: "r0", text: "hi @ann" });
  const before = await selects(server.url);

  const events: MeRoomsEvent[][] = Array.from({ length: SUBSCRIPTIONS }, () => []);
  const errors: ({ code: string | undefined; message: string } | null)[] = Array.from(
    { length: SUBSCRIPTIONS },
    () => null,
  );
  // Made in one tick: the client sends them in one frame.
  const subs = events.map((mine, i) =>
    ann.client.me.rooms.subscribe(undefined, {
      onData: (e) => mine.push(e),
      onError: (e) =>
        (errors[i] = { code: e instanceof TRPCClientError ? e.data?.code : undefined, message: e.message }),
    }),
  );
  await waitFor(
    () => events.filter((e) => e.length > 0).length + errors.filter(Boolean).length === SUBSCRIPTIONS,
    "every subscription answered",
    15_000,
  );

  const running = events.filter((e) => e.length > 0);
  expect(running).toHaveLength(1);
  const snapshot = running[0]![0]!;
  expect(snapshot.type).toBe("snapshot");
  expect(snapshot.type === "snapshot" && snapshot.rooms.length).toBe(ROOMS);
  expect(snapshot.type === "snapshot" && snapshot.rooms.find((r) => r.room === "r0")).toMatchObject({
    unread: 1,
    mentions: 1,
  });
  const refused = errors.filter((e) => e !== null);
  expect(refused).toHaveLength(SUBSCRIPTIONS - 1);
  for (const e of refused) {
    expect(e!.code).toBe("TOO_MANY_REQUESTS");
    expect(e!.message).toBe("At most one me.rooms per connection: the one open already carries all your rooms.");
  }
  // The one watch: its rooms, their counts in one statement, the session re-check. Before: 100 × (1 + 40 × 6) ≈ 24,000.
  const ran = (await selects(server.url)) - before;
  console.info(`selects for the frame: ${ran}`);
  expect(ran).toBeLessThanOrEqual(10);
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

  // Its slot frees when it stops: a new watch on the same socket runs.
  for (const s of subs) s.unsubscribe();
  const again: MeRoomsEvent[] = [];
  let againError: unknown = null;
  const next = ann.client.me.rooms.subscribe(undefined, {
    onData: (e) => again.push(e),
    onError: (e) => (againError = e),
  });
  await waitFor(() => again.length > 0 || againError !== null, "the new watch's snapshot");
  expect(againError).toBeNull();
  expect(again[0]).toMatchObject({ type: "snapshot" });
  next.unsubscribe();
});
