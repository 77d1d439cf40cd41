/**
 * Where our WebSocket handler must say on the wire what tRPC's own
 * (`@trpc/server/adapters/ws`) says, seen frame by frame through a raw socket:
 * a stream ended by an error is followed by `stopped`, and the reconnect
 * notice of a graceful shutdown leaves the socket open and serving.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { openRawWebSocket, type RawWebSocket } from "../support/raw-websocket.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { quietFor, waitFor } from "../support/wait.ts";

interface Frame {
  id: number | null;
  method?: string;
  result?: { type: string };
  error?: { data: { code: string } };
}

let server: TestServer;
let ann: TestUser;
beforeEach(async () => {
  server = await startTestServer();
  ann = await server.signUp("ann");
});
afterEach(() => server.stop());

async function signedInSocket(token: string): Promise<RawWebSocket> {
  const raw = await openRawWebSocket(server.url, "/trpc?connectionParams=1");
  raw.send(JSON.stringify({ method: "connectionParams", data: { token } }));
  return raw;
}

/** What arrived for request `id`, in order: a result's type, or the error's code. */
const repliesTo = (raw: RawWebSocket, id: number) =>
  (raw.textFrames() as Frame[]).filter((f) => f.id === id).map((f) => f.result?.type ?? f.error!.data.code);

test("a stream ended by a kick sends FORBIDDEN and then `stopped`, as tRPC's handler does; nothing follows; tRPC's client ends it with the error", async () => {
  const ben = await server.signUp("ben");
  await ann.client.room.create.mutate({ room: "inner", visibility: "private" });
  await ann.client.room.invite.mutate({ room: "inner", username: "ben" });
  const raw = await signedInSocket(ben.token);
  raw.send(
    JSON.stringify({ id: 1, method: "subscription", params: { path: "room.messages", input: { room: "inner" } } }),
  );
  const stock = subscribeRoom(ben.client, { room: "inner" });
  await stock.started;
  await waitFor(() => repliesTo(raw, 1).includes("started"), "the raw subscription to start");
  await ann.client.room.send.mutate({ room: "inner", text: "before" });
  await waitFor(() => repliesTo(raw, 1).includes("data"), "the message");

  await ann.client.room.kick.mutate({ room: "inner", username: "ben" });
  await waitFor(() => repliesTo(raw, 1).includes("stopped"), "`stopped` after the error", 3000);
  await ann.client.room.send.mutate({ room: "inner", text: "after" });
  await waitFor(() => stock.errors.length > 0, "the stock client's error");
  // Quiet over a window: nothing more is sent for the ended stream.
  await quietFor(
    200,
    () => [repliesTo(raw, 1).length, stock.messages.length, stock.errors.length],
    "the replies to the ended streams",
  );
  // Its entries (the message, then the kick's own entry), the error, `stopped`.
  const replies = repliesTo(raw, 1);
  expect(replies[0]).toBe("started");
  expect(new Set(replies.slice(1, -2))).toEqual(new Set(["data"]));
  expect(replies.slice(-2)).toEqual(["FORBIDDEN", "stopped"]);
  expect(stock.errors.map((e) => e.data?.code)).toEqual(["FORBIDDEN"]);
  expect(stock.messages.map((m) => m.text)).toEqual(["before"]);
  raw.destroy();
});

test("graceful stop: after the reconnect notice the socket stays open and answers calls until the client leaves or the grace ends, then closes 1012", async () => {
  const raw = await signedInSocket(ann.token);
  raw.send(
    JSON.stringify({ id: 1, method: "subscription", params: { path: "room.messages", input: { room: "hall" } } }),
  );
  await waitFor(() => repliesTo(raw, 1).includes("started"), "the subscription to start");

  const stopped = server.stop();
  await waitFor(() => (raw.textFrames() as Frame[]).some((f) => f.method === "reconnect"), "the reconnect notice");
  // Sent after the notice, as tRPC's client does until its new socket is open: it runs and is answered.
  raw.send(JSON.stringify({ id: 2, method: "query", params: { path: "auth.me", input: null } }));
  await waitFor(() => repliesTo(raw, 2).length > 0, "the answer after the notice");
  expect(repliesTo(raw, 2)).toEqual(["data"]);
  expect(raw.closeCode()).toBeNull();

  await stopped;
  await raw.closed;
  expect(raw.closeCode()).toBe(1012);
  // The stream was not failed: the client resubscribes from its last event on its new socket.
  expect(repliesTo(raw, 1)).toEqual(["started"]);
});
