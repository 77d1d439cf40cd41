/**
 * The chat through the real @trpc/client against a real listening Parlor:
 * send, receive live, history, resume. Every server is on its own port and database.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { appendMessage } from "../../server/chat/message-store.ts";
import { failure } from "../support/outcome.ts";
import { startTestServer, type TestServer } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { quietFor, waitFor } from "../support/wait.ts";

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.stop());

describe("room.send and room.messages", () => {
  test("A sends, B (subscribed over WebSocket) receives it live, with A as sender", async () => {
    const [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
    const seen = subscribeRoom(ben.client, { room: "lobby" });
    await seen.started;
    const sent = await ann.client.room.send.mutate({ room: "lobby", text: "hello ben" });
    await seen.waitForCount(1);
    expect(seen.messages).toEqual([sent]);
    expect(sent).toMatchObject({ room: "lobby", seq: 1, sender: "ann", text: "hello ben" });
    expect(seen.ids).toEqual(["1"]);
    seen.unsubscribe();
  });

  test("subscribers see every message of their room once, in seq order, and nothing from other rooms", async () => {
    const [ann, ben, cat] = await Promise.all([server.signUp(), server.signUp(), server.signUp()]);
    const lobbyBen = subscribeRoom(ben.client, { room: "lobby" });
    const lobbyCat = subscribeRoom(cat.client, { room: "lobby" });
    const other = subscribeRoom(cat.client, { room: "other" });
    await Promise.all([lobbyBen.started, lobbyCat.started, other.started]);
    // Two senders at once: the room's order is the seq order, the same for everyone.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? ann : ben).client.room.send.mutate({ room: "lobby", text: `m${i}` }),
      ),
    );
    await lobbyBen.waitForCount(20);
    await lobbyCat.waitForCount(20);
    const expected = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(lobbyBen.messages.map((m) => m.seq)).toEqual(expected);
    expect(lobbyCat.messages).toEqual(lobbyBen.messages);
    expect(other.messages).toEqual([]);
  });

  test("the sender is the session's user, whatever the input says", async () => {
    const ann = await server.signUp("ann");
    // A script that bypasses the types and claims to be someone else:
    const input = { room: "lobby", text: "hi", sender: "admin" } as { room: string; text: string };
    const sent = await ann.client.room.send.mutate(input);
    expect(sent.sender).toBe("ann");
  });

  test("a guest's send is UNAUTHORIZED and stores nothing", async () => {
    const guest = server.guest();
    expect(await failure(guest.client.room.send.mutate({ room: "lobby", text: "hi" }))).toEqual({
      code: "UNAUTHORIZED",
      message: "Sign in to do this.",
    });
    const history = await guest.client.room.history.query({ room: "lobby" });
    expect(history.messages).toEqual([]);
  });

  test("a forged token is a guest: UNAUTHORIZED", async () => {
    const { client } = server.guest();
    const forged = (await import("@parlor/client")).createParlorClient({ url: server.url, token: "not-a-session" });
    expect((await failure(forged.room.send.mutate({ room: "lobby", text: "hi" }))).code).toBe("UNAUTHORIZED");
    expect(await client.auth.me.query()).toBeNull();
  });

  test("each bad input is BAD_REQUEST with a message a person can act on, and nothing is stored", async () => {
    const ann = await server.signUp("ann");
    const cases: [input: { room: string; text: string }, message: string][] = [
      [{ room: "a..b", text: "hi" }, "room: A room name cannot contain '..'."],
      [{ room: "a/b", text: "hi" }, "room: A room name may contain only letters, digits, '-', '_' and '.'."],
      [{ room: "", text: "hi" }, "room: A room name cannot be empty."],
      [{ room: "x".repeat(65), text: "hi" }, "room: A room name has at most 64 characters."],
      [{ room: "lobby", text: "   " }, "text: A message cannot be empty."],
      [{ room: "lobby", text: "x".repeat(4001) }, "text: A message has at most 4000 characters."],
      [{ room: "lobby", text: "bell\u0007" }, "text: A message cannot contain control characters."],
      [{ room: "lobby", text: 42 as unknown as string }, "text: A message must be text."],
    ];
    for (const [input, message] of cases) {
      expect({ input, ...(await failure(ann.client.room.send.mutate(input))) }).toEqual({
        input,
        code: "BAD_REQUEST",
        message,
      });
    }
    expect((await ann.client.room.active.query()).length).toBe(0);
  });

  test("a subscription with a bad room is BAD_REQUEST over WebSocket", async () => {
    const guest = server.guest();
    const sub = subscribeRoom(guest.client, { room: "../etc" });
    await waitFor(() => sub.errors.length > 0, "the subscription error");
    expect(sub.errors[0]!.data?.code).toBe("BAD_REQUEST");
    expect(sub.errors[0]!.message).toContain("A room name");
  });
});

describe("retried sends", () => {
  test("a send retried with the same clientId stores one message, returns it again and is delivered once", async () => {
    const [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
    const seen = subscribeRoom(ben.client, { room: "lobby" });
    await seen.started;
    const clientId = crypto.randomUUID();
    const first = await ann.client.room.send.mutate({ room: "lobby", text: "just once", clientId });
    const retry = await ann.client.room.send.mutate({ room: "lobby", text: "just once", clientId });
    expect(retry).toEqual(first);
    await ann.client.room.send.mutate({ room: "lobby", text: "next" });
    await seen.waitForCount(2);
    expect(seen.messages.map((m) => m.text)).toEqual(["just once", "next"]);
    expect((await ben.client.room.history.query({ room: "lobby" })).messages).toHaveLength(2);
  });

  test("a clientId reused for another text is CONFLICT; a malformed one is BAD_REQUEST", async () => {
    const ann = await server.signUp("ann");
    const clientId = crypto.randomUUID();
    await ann.client.room.send.mutate({ room: "lobby", text: "original", clientId });
    expect((await failure(ann.client.room.send.mutate({ room: "lobby", text: "changed", clientId }))).code).toBe(
      "CONFLICT",
    );
    expect(await failure(ann.client.room.send.mutate({ room: "lobby", text: "x", clientId: "short" }))).toEqual({
      code: "BAD_REQUEST",
      message: "clientId: 'clientId' is 8 to 64 letters, digits, '_' or '-' (a UUID fits).",
    });
  });
});

describe("resume", () => {
  test("a subscription with lastEventId replays exactly what came after it, then goes live", async () => {
    const ann = await server.signUp();
    for (let i = 1; i <= 6; i++) await ann.client.room.send.mutate({ room: "log", text: `m${i}` });
    const sub = subscribeRoom(server.guest().client, { room: "log", lastEventId: "3" });
    await sub.waitForCount(3);
    await ann.client.room.send.mutate({ room: "log", text: "m7" });
    await sub.waitForCount(4);
    expect(sub.messages.map((m) => [m.seq, m.text])).toEqual([
      [4, "m4"],
      [5, "m5"],
      [6, "m6"],
      [7, "m7"],
    ]);
  });

  test("without lastEventId it starts with the next message, not the history", async () => {
    const ann = await server.signUp();
    await ann.client.room.send.mutate({ room: "log", text: "old" });
    const sub = subscribeRoom(server.guest().client, { room: "log" });
    await sub.started;
    await ann.client.room.send.mutate({ room: "log", text: "new" });
    await sub.waitForCount(1);
    await quietFor(50, () => sub.messages.length, "the messages received");
    expect(sub.messages.map((m) => m.text)).toEqual(["new"]);
  });

  test("messages sent as a long replay starts arrive once, in order, after it", async () => {
    const ann = await server.signUp("ann");
    const annUser = { id: (await ann.client.auth.me.query())!.id, username: "ann" };
    // A backlog of several replay batches, stored directly (fast), before the subscriber resumes.
    for (let i = 1; i <= 1500; i++)
      await appendMessage(server.app.services.db, { room: "backlog", sender: annUser, text: `old ${i}` });
    const sub = subscribeRoom(server.guest().client, { room: "backlog", lastEventId: "0" });
    // The replay runs after "started": these sends race it.
    await sub.started;
    await Promise.all(
      Array.from({ length: 15 }, (_, i) => ann.client.room.send.mutate({ room: "backlog", text: `new ${i + 1}` })),
    );
    await sub.waitForCount(1515, 15_000);
    await quietFor(100, () => sub.messages.length, "the messages received");
    expect(sub.messages.map((m) => m.seq)).toEqual(Array.from({ length: 1515 }, (_, i) => i + 1));
    expect(sub.errors).toEqual([]);
  });

  test("a lastEventId past the newest message fails closed with BAD_REQUEST", async () => {
    const ann = await server.signUp();
    await ann.client.room.send.mutate({ room: "log", text: "only one" });
    const sub = subscribeRoom(server.guest().client, { room: "log", lastEventId: "5" });
    await waitFor(() => sub.errors.length > 0, "the subscription error");
    expect(sub.errors[0]!.data?.code).toBe("BAD_REQUEST");
    expect(sub.messages).toEqual([]);
  });

  test("a non-numeric lastEventId is BAD_REQUEST", async () => {
    const sub = subscribeRoom(server.guest().client, { room: "log", lastEventId: "1 or 1=1" });
    await waitFor(() => sub.errors.length > 0, "the subscription error");
    expect(sub.errors[0]!.data?.code).toBe("BAD_REQUEST");
  });

  test("after the server drops every connection, the client resumes by itself: messages sent meanwhile arrive once, in order", async () => {
    const ann = await server.signUp();
    const ben = await server.signUp();
    const sub = subscribeRoom(ben.client, { room: "live" });
    await sub.started;
    for (let i = 1; i <= 3; i++) await ann.client.room.send.mutate({ room: "live", text: `before ${i}` });
    await sub.waitForCount(3);

    server.app.dropConnections();
    // Sent while ben is disconnected (HTTP does not need the socket).
    for (let i = 4; i <= 6; i++) await ann.client.room.send.mutate({ room: "live", text: `during ${i}` });
    await waitFor(() => server.app.connectionCount() > 0, "ben's reconnection");
    await sub.waitForCount(6, 5000);
    await ann.client.room.send.mutate({ room: "live", text: "after 7" });
    await sub.waitForCount(7);
    await quietFor(100, () => sub.messages.length, "the messages received");

    expect(sub.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sub.errors).toEqual([]);
  });
});

describe("room.history", () => {
  test("pages newest first; following nextCursor returns every message once", async () => {
    const ann = await server.signUp();
    for (let i = 1; i <= 12; i++) await ann.client.room.send.mutate({ room: "hist", text: `m${i}` });
    const { client } = server.guest();
    const seqs: number[] = [];
    let before: number | undefined;
    do {
      const page = await client.room.history.query({ room: "hist", before, limit: 5 });
      seqs.push(...page.messages.map((m) => m.seq));
      before = page.nextCursor ?? undefined;
    } while (before !== undefined);
    expect(seqs).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });

  test("limit outside 1–100 is BAD_REQUEST", async () => {
    const { client } = server.guest();
    expect(await failure(client.room.history.query({ room: "hist", limit: 101 }))).toEqual({
      code: "BAD_REQUEST",
      message: "limit: 'limit' is at most 100.",
    });
    expect((await failure(client.room.history.query({ room: "hist", limit: 0 }))).code).toBe("BAD_REQUEST");
  });
});
