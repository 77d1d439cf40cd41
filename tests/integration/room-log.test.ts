/**
 * The room log's contract through the real @trpc/client against a real server:
 * edits, deletes, reactions and replies, every error code and both sides of
 * each bound, and what a subscriber (live or resuming) sees.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { foldEntries } from "../../shared/room-log.ts";
import { MAX_REACTIONS_PER_MESSAGE, MESSAGE_TEXT_MAX } from "../../shared/schemas.ts";
import { failure, outcome } from "../support/outcome.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";

let server: TestServer;
let ann: TestUser;
let ben: TestUser;
beforeEach(async () => {
  // Sends, edits, deletes and reactions share one bucket (tested in limits.test.ts): room for the bound tests.
  server = await startTestServer({ SEND_BURST: "100" });
  [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
});
afterEach(() => server.stop());

const history = async (room = "lobby") => (await ann.client.room.history.query({ room })).messages;

// Twenty distinct single emoji (RGI), for the bound on emoji per message.
const EMOJI = [
  "😀",
  "😃",
  "😄",
  "😁",
  "😆",
  "😅",
  "🤣",
  "😂",
  "🙂",
  "🙃",
  "😉",
  "😊",
  "😇",
  "🥰",
  "😍",
  "🤩",
  "😘",
  "😗",
  "😚",
  "😙",
  "😋",
];

describe("room.edit", () => {
  test("its sender changes the text: the updated message comes back, history shows it with editedAt", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "helo" });
    const edited = await ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "hello" });
    expect(edited).toMatchObject({ seq: m.seq, text: "hello", sender: "ann", deleted: false });
    expect(edited.editedAt).not.toBeNull();
    expect(await history()).toEqual([edited]);
  });

  test("the same text again stores nothing: no entry, no seq taken", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "same" });
    const again = await ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "same" });
    expect(again).toEqual(m);
    const next = await ann.client.room.send.mutate({ room: "lobby", text: "next" });
    expect(next.seq).toBe(m.seq + 1);
  });

  test("anyone but its sender gets FORBIDDEN; an unknown seq, or a seq that is not a message, NOT_FOUND; a deleted message BAD_REQUEST", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "mine" });
    expect(await failure(ben.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "yours now" }))).toEqual({
      code: "FORBIDDEN",
      message: "Only its sender can edit a message.",
    });
    expect(await outcome(ann.client.room.edit.mutate({ room: "lobby", seq: 99, text: "x" }))).toBe("NOT_FOUND");
    expect(await outcome(ann.client.room.edit.mutate({ room: "no-such-room", seq: 1, text: "x" }))).toBe("NOT_FOUND");
    const edit = await ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "mine, edited" });
    // Seq 2 is the edit entry, not a message.
    expect(await outcome(ann.client.room.edit.mutate({ room: "lobby", seq: 2, text: "x" }))).toBe("NOT_FOUND");
    await ann.client.room.delete.mutate({ room: "lobby", seq: edit.seq });
    expect(await failure(ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "back" }))).toEqual({
      code: "BAD_REQUEST",
      message: `Message ${m.seq} was deleted: it cannot be edited.`,
    });
    expect((await history())[0]).toMatchObject({ text: "", deleted: true });
  });

  test("the new text obeys the message rules: empty and over-long are BAD_REQUEST, exactly the maximum is accepted", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "x" });
    expect(await outcome(ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "   " }))).toBe("BAD_REQUEST");
    expect(
      await outcome(ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "a".repeat(MESSAGE_TEXT_MAX + 1) })),
    ).toBe("BAD_REQUEST");
    expect(
      await outcome(ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "a".repeat(MESSAGE_TEXT_MAX) })),
    ).toBe("OK");
    expect(await outcome(ann.client.room.edit.mutate({ room: "lobby", seq: 0, text: "x" }))).toBe("BAD_REQUEST");
  });
});

describe("room.delete", () => {
  test("its sender deletes: { ok: true }, the message stays in place as a tombstone; twice stores nothing", async () => {
    const [m1, m2] = [
      await ann.client.room.send.mutate({ room: "lobby", text: "one" }),
      await ann.client.room.send.mutate({ room: "lobby", text: "two" }),
    ];
    await ben.client.room.react.mutate({ room: "lobby", seq: m1.seq, emoji: "👍", add: true });
    expect(await ann.client.room.delete.mutate({ room: "lobby", seq: m1.seq })).toEqual({ ok: true });
    expect(await ann.client.room.delete.mutate({ room: "lobby", seq: m1.seq })).toEqual({ ok: true });
    const [newest, oldest] = await history();
    expect(newest).toEqual(m2);
    expect(oldest).toMatchObject({ seq: m1.seq, sender: "ann", text: "", deleted: true, reactions: [] });
    // Entries: 1, 2 messages; 3 reaction; 4 delete. The second delete took no seq.
    expect((await ann.client.room.send.mutate({ room: "lobby", text: "three" })).seq).toBe(5);
  });

  test("anyone but its sender gets FORBIDDEN; unknown seq NOT_FOUND; a guest UNAUTHORIZED", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "mine" });
    expect(await failure(ben.client.room.delete.mutate({ room: "lobby", seq: m.seq }))).toEqual({
      code: "FORBIDDEN",
      message: "Only its sender, the room's owner or a moderator can delete a message.",
    });
    expect(await outcome(ann.client.room.delete.mutate({ room: "lobby", seq: 42 }))).toBe("NOT_FOUND");
    expect(await outcome(server.guest().client.room.delete.mutate({ room: "lobby", seq: m.seq }))).toBe("UNAUTHORIZED");
    expect((await history())[0]).toEqual(m);
  });
});

describe("room.react", () => {
  test("reactions aggregate per emoji in first-added order, users in the order they reacted; the last removal takes the emoji off", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "react to me" });
    await ben.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "🎉", add: true });
    await ann.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "👍🏽", add: true });
    const both = await ann.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "🎉", add: true });
    expect(both.reactions).toEqual([
      { emoji: "🎉", users: ["ben", "ann"] },
      { emoji: "👍🏽", users: ["ann"] },
    ]);
    const removed = await ann.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "👍🏽", add: false });
    expect(removed.reactions).toEqual([{ emoji: "🎉", users: ["ben", "ann"] }]);
    expect((await history())[0]!.reactions).toEqual(removed.reactions);
  });

  test("adding one you already added, or removing one you never added, stores nothing and still answers", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "x" });
    const once = await ben.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "❤️", add: true });
    expect(await ben.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "❤️", add: true })).toEqual(once);
    expect(await ben.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "😮", add: false })).toEqual(once);
    expect((await ann.client.room.send.mutate({ room: "lobby", text: "y" })).seq).toBe(3);
  });

  test("one emoji only: ZWJ sequences, skin tones, flags and keycaps are accepted; text, two emoji, or an empty string are BAD_REQUEST", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "x" });
    for (const emoji of ["👩🏽‍💻", "👨‍👩‍👧", "🇫🇷", "1️⃣", "❤️"]) {
      expect(await outcome(ann.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji, add: true }))).toBe("OK");
    }
    for (const emoji of ["a", "👍👍", "", "❤", "👍 ", "<b>"]) {
      expect(await outcome(ann.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji, add: true }))).toBe(
        "BAD_REQUEST",
      );
    }
  });

  test(`at most ${MAX_REACTIONS_PER_MESSAGE} distinct emoji: the ${MAX_REACTIONS_PER_MESSAGE + 1}st is BAD_REQUEST, another user's existing one still joins`, async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "x" });
    for (const emoji of EMOJI.slice(0, MAX_REACTIONS_PER_MESSAGE))
      await ann.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji, add: true });
    expect(
      await failure(
        ben.client.room.react.mutate({
          room: "lobby",
          seq: m.seq,
          emoji: EMOJI[MAX_REACTIONS_PER_MESSAGE]!,
          add: true,
        }),
      ),
    ).toEqual({
      code: "BAD_REQUEST",
      message: `A message takes at most ${MAX_REACTIONS_PER_MESSAGE} different emoji.`,
    });
    const joined = await ben.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: EMOJI[0]!, add: true });
    expect(joined.reactions).toHaveLength(MAX_REACTIONS_PER_MESSAGE);
    expect(joined.reactions[0]).toEqual({ emoji: EMOJI[0]!, users: ["ann", "ben"] });
  });

  test("reacting to a deleted message is BAD_REQUEST; to an unknown seq NOT_FOUND; a guest UNAUTHORIZED", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "x" });
    await ann.client.room.delete.mutate({ room: "lobby", seq: m.seq });
    expect(await outcome(ben.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "👍", add: true }))).toBe(
      "BAD_REQUEST",
    );
    expect(await outcome(ben.client.room.react.mutate({ room: "lobby", seq: 77, emoji: "👍", add: true }))).toBe(
      "NOT_FOUND",
    );
    expect(
      await outcome(server.guest().client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "👍", add: true })),
    ).toBe("UNAUTHORIZED");
  });
});

describe("room.send with replyTo", () => {
  test("a reply names the message it answers; answering a deleted message, a non-message entry, another room's message or nothing is BAD_REQUEST", async () => {
    const q = await ann.client.room.send.mutate({ room: "lobby", text: "question?" });
    const a = await ben.client.room.send.mutate({ room: "lobby", text: "answer", replyTo: q.seq });
    expect(a.replyTo).toBe(q.seq);
    expect((await history())[0]).toEqual(a);
    await ben.client.room.react.mutate({ room: "lobby", seq: q.seq, emoji: "👍", add: true }); // seq 3: a reaction
    expect(await outcome(ben.client.room.send.mutate({ room: "lobby", text: "x", replyTo: 3 }))).toBe("BAD_REQUEST");
    expect(await outcome(ben.client.room.send.mutate({ room: "other", text: "x", replyTo: q.seq }))).toBe(
      "BAD_REQUEST",
    );
    expect(await outcome(ben.client.room.send.mutate({ room: "lobby", text: "x", replyTo: 1000 }))).toBe("BAD_REQUEST");
    await ann.client.room.delete.mutate({ room: "lobby", seq: q.seq });
    expect(await failure(ben.client.room.send.mutate({ room: "lobby", text: "x", replyTo: q.seq }))).toEqual({
      code: "BAD_REQUEST",
      message: `'replyTo' ${q.seq} is not a message of room 'lobby' that can be answered.`,
    });
    // The refused replies took no seq: 1 q, 2 a, 3 reaction, 4 delete.
    expect((await ben.client.room.send.mutate({ room: "lobby", text: "next" })).seq).toBe(5);
  });
});

describe("room.messages carries every change", () => {
  test("a live subscriber gets each entry once, in seq order, and its fold equals history", async () => {
    const live = subscribeRoom(ben.client, { room: "lobby" });
    await live.started;
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "v1" });
    await ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "v2" });
    await ben.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "👍", add: true });
    const r = await ben.client.room.send.mutate({ room: "lobby", text: "re", replyTo: m.seq });
    await ben.client.room.delete.mutate({ room: "lobby", seq: r.seq });
    await live.waitForEntries(5);
    expect(live.entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, "message"],
      [2, "edit"],
      [3, "reaction"],
      [4, "message"],
      [5, "delete"],
    ]);
    expect(live.ids).toEqual(["1", "2", "3", "4", "5"]);
    expect(live.entries[1]).toMatchObject({ kind: "edit", target: 1, text: "v2", by: "ann" });
    expect(live.entries[2]).toMatchObject({ kind: "reaction", target: 1, emoji: "👍", user: "ben", added: true });
    const folded = [...foldEntries(new Map(), live.entries).values()].reverse();
    expect(folded).toEqual(await history());
    live.unsubscribe();
  });

  test("a client that was away resumes from lastEventId and replays the edits of old messages too", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "before" });
    await ann.client.room.send.mutate({ room: "lobby", text: "second" });
    // Away from seq 2 on: these happen meanwhile.
    await ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "after" });
    await ben.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "🎉", add: true });
    const resumed = subscribeRoom(ben.client, { room: "lobby", lastEventId: "2" });
    await resumed.waitForEntries(2);
    expect(resumed.entries.map((e) => [e.seq, e.kind, "target" in e ? e.target : null])).toEqual([
      [3, "edit", 1],
      [4, "reaction", 1],
    ]);
    const fromStart = subscribeRoom(ben.client, { room: "lobby", lastEventId: "0" });
    await fromStart.waitForEntries(4);
    expect([...foldEntries(new Map(), fromStart.entries).values()].reverse()).toEqual(await history());
    resumed.unsubscribe();
    fromStart.unsubscribe();
  });

  test("/api/messages/<room>/ returns the same current-state objects as room.history", async () => {
    const m = await ann.client.room.send.mutate({ room: "lobby", text: "rest" });
    await ann.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "rest, edited" });
    await ben.client.room.react.mutate({ room: "lobby", seq: m.seq, emoji: "👍", add: true });
    const body = (await (await fetch(`${server.url}/api/messages/lobby/`)).json()) as { messages: unknown[] };
    expect(body.messages).toEqual(await history());
  });
});
