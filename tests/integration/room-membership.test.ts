/**
 * Membership through the real @trpc/client against a real server: the rules of
 * who may do what to whom, direct messages, membership entries in the log, the
 * limits, and revocation — a removed member's open streams end at once, with a
 * clear error, and a resume is refused.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import type { MemberEntry } from "../../shared/room-log.ts";
import type { RoomEntry } from "../../shared/schemas.ts";
import { failure, outcome } from "../support/outcome.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";
import { subscribeRoom } from "../support/subscriber.ts";
import { waitFor } from "../support/wait.ts";

let server: TestServer;
let ann: TestUser;
let ben: TestUser;
let cat: TestUser;
beforeEach(async () => {
  server = await startTestServer({ PRIVATE_ROOMS_PER_DAY: "3", MAX_MEMBERS_PER_ROOM: "3", INVITES_PER_MINUTE: "4" });
  [ann, ben, cat] = await Promise.all([server.signUp("ann"), server.signUp("ben"), server.signUp("cat")]);
});
afterEach(() => server.stop());

/** Presence snapshots of a room and how the subscription ended. */
function watchPresence(user: TestUser, room: string) {
  const state = { started: false, error: null as { code: string | undefined; message: string } | null };
  const sub = user.client.room.presence.subscribe(
    { room },
    {
      onStarted: () => (state.started = true),
      onError: (e) =>
        (state.error =
          e instanceof TRPCClientError
            ? { code: e.data?.code, message: e.message }
            : { code: undefined, message: String(e) }),
    },
  );
  return { state, unsubscribe: () => sub.unsubscribe() };
}

describe("room.create and room.info", () => {
  test("create answers RoomInfo with the caller as owner; the name taken again is CONFLICT, whatever its visibility", async () => {
    expect(await ann.client.room.create.mutate({ room: "secret", visibility: "private", topic: "plans" })).toEqual({
      room: "secret",
      visibility: "private",
      topic: "plans",
      owner: "ann",
      role: "owner",
      members: 1,
      direct: false,
    });
    expect(await failure(ben.client.room.create.mutate({ room: "secret", visibility: "public" }))).toEqual({
      code: "CONFLICT",
      message: "Room 'secret' already exists.",
    });
    await ben.client.room.send.mutate({ room: "lobby", text: "first" });
    expect(await outcome(cat.client.room.create.mutate({ room: "lobby", visibility: "private" }))).toBe("CONFLICT");
    expect(await outcome(cat.client.room.create.mutate({ room: "dm:1:2", visibility: "private" }))).toBe("BAD_REQUEST");
  });

  test("a public room created by its first message has that sender as owner, and senders become members without an entry", async () => {
    const first = await ann.client.room.send.mutate({ room: "lobby", text: "hi" });
    expect(first.seq).toBe(1);
    await ben.client.room.send.mutate({ room: "lobby", text: "hello" });
    expect(await cat.client.room.info.query({ room: "lobby" })).toMatchObject({
      owner: "ann",
      role: null,
      members: 2,
      visibility: "public",
    });
    expect(await ben.client.room.members.query({ room: "lobby" })).toEqual([
      { username: "ann", role: "owner", displayName: null },
      { username: "ben", role: "member", displayName: null },
    ]);
    expect((await ann.client.room.history.query({ room: "lobby" })).messages.map((m) => m.seq)).toEqual([2, 1]);
  });

  test(`private rooms a day per user are bounded: the 4th is BAD_REQUEST, public rooms are not counted`, async () => {
    for (let i = 0; i < 3; i++) await ann.client.room.create.mutate({ room: `p${i}`, visibility: "private" });
    await ann.client.room.create.mutate({ room: "pub", visibility: "public" });
    expect(await failure(ann.client.room.create.mutate({ room: "p3", visibility: "private" }))).toEqual({
      code: "BAD_REQUEST",
      message: "At most 3 private rooms a day: try again tomorrow.",
    });
    expect(await outcome(ben.client.room.create.mutate({ room: "p3", visibility: "private" }))).toBe("OK");
  });
});

describe("roles", () => {
  test("nobody can kick or ban the owner; moderators cannot act on moderators; only the owner sets roles", async () => {
    const dan = await server.signUp("dan");
    await ann.client.room.create.mutate({ room: "team", visibility: "private" });
    for (const u of [ben, cat, dan])
      await ann.client.room.invite.mutate({ room: "team", username: u.username }).catch(() => {});
    // The room holds 3 members at most: dan did not get in.
    expect((await ann.client.room.members.query({ room: "team" })).map((m) => m.username)).toEqual([
      "ann",
      "ben",
      "cat",
    ]);
    await ann.client.room.setRole.mutate({ room: "team", username: "ben", role: "moderator" });
    await ann.client.room.setRole.mutate({ room: "team", username: "cat", role: "moderator" });
    expect(await failure(ben.client.room.kick.mutate({ room: "team", username: "ann" }))).toEqual({
      code: "FORBIDDEN",
      message: "Nobody can do this to the room's owner.",
    });
    expect(await outcome(ben.client.room.ban.mutate({ room: "team", username: "ann" }))).toBe("FORBIDDEN");
    expect(await failure(ben.client.room.kick.mutate({ room: "team", username: "cat" }))).toEqual({
      code: "FORBIDDEN",
      message: "Moderators cannot act on other moderators.",
    });
    expect(await failure(ben.client.room.setRole.mutate({ room: "team", username: "cat", role: "member" }))).toEqual({
      code: "FORBIDDEN",
      message: "Only the room's owner can change roles.",
    });
    expect(await outcome(ann.client.room.setRole.mutate({ room: "team", username: "cat", role: "member" }))).toBe("OK");
    expect(await outcome(ben.client.room.kick.mutate({ room: "team", username: "cat" }))).toBe("OK");
  });

  test("room.bans lists who is banned, by whom and since when, newest first, to the owner and moderators only; an unban takes them off", async () => {
    // Input: ann owns a public room, ben moderates it, cat is a member; ann bans dan, then ben bans cat.
    const dan = await server.signUp("dan");
    await ann.client.room.create.mutate({ room: "forum", visibility: "public" });
    await ben.client.room.join.mutate({ room: "forum" });
    await cat.client.room.join.mutate({ room: "forum" });
    await ann.client.room.setRole.mutate({ room: "forum", username: "ben", role: "moderator" });
    expect(await ann.client.room.bans.query({ room: "forum" })).toEqual([]);
    await ann.client.room.ban.mutate({ room: "forum", username: "dan" });
    await ben.client.room.ban.mutate({ room: "forum", username: "cat" });
    const bans = await ben.client.room.bans.query({ room: "forum" });
    expect(bans.map(({ username, by }) => ({ username, by }))).toEqual([
      { username: "cat", by: "ben" },
      { username: "dan", by: "ann" },
    ]);
    for (const b of bans) expect(Number.isNaN(Date.parse(b.at))).toBe(false);
    // A member, a banned user and a guest may not see the list.
    expect(await failure(cat.client.room.bans.query({ room: "forum" }))).toEqual({
      code: "FORBIDDEN",
      message: "Only the room's owner and moderators can do this.",
    });
    expect(await outcome(dan.client.room.bans.query({ room: "forum" }))).toBe("FORBIDDEN");
    expect(await outcome(server.guest().client.room.bans.query({ room: "forum" }))).toBe("UNAUTHORIZED");
    // Unbanned, cat is off the list.
    await ann.client.room.unban.mutate({ room: "forum", username: "cat" });
    expect((await ann.client.room.bans.query({ room: "forum" })).map((b) => b.username)).toEqual(["dan"]);
  });

  test("owners and moderators may delete anyone's message; members may not", async () => {
    await ann.client.room.create.mutate({ room: "team", visibility: "private" });
    await ann.client.room.invite.mutate({ room: "team", username: "ben" });
    await ann.client.room.invite.mutate({ room: "team", username: "cat" });
    const byCat = await cat.client.room.send.mutate({ room: "team", text: "spam" });
    expect(await outcome(ben.client.room.delete.mutate({ room: "team", seq: byCat.seq }))).toBe("FORBIDDEN");
    await ann.client.room.setRole.mutate({ room: "team", username: "ben", role: "moderator" });
    expect(await outcome(ben.client.room.delete.mutate({ room: "team", seq: byCat.seq }))).toBe("OK");
    expect((await cat.client.room.history.query({ room: "team" })).messages[0]).toMatchObject({
      seq: byCat.seq,
      deleted: true,
      text: "",
    });
  });

  test("invitations per minute are bounded: the 5th within the burst is TOO_MANY_REQUESTS", async () => {
    await using server2 = await startTestServer({ INVITES_PER_MINUTE: "4" });
    const owner = await server2.signUp("own");
    const others = await Promise.all(["usr1", "usr2", "usr3", "usr4", "usr5"].map((n) => server2.signUp(n)));
    await owner.client.room.create.mutate({ room: "many", visibility: "private" });
    const results = [];
    for (const u of others)
      results.push(await outcome(owner.client.room.invite.mutate({ room: "many", username: u.username })));
    expect(results).toEqual(["OK", "OK", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
  });
});

describe("membership entries", () => {
  test("join, invite, role, kick, ban, unban and leave are entries of the log, replayed like any other", async () => {
    await ann.client.room.create.mutate({ room: "club", visibility: "public" });
    const live = subscribeRoom(ann.client, { room: "club" });
    await live.started;
    await ben.client.room.join.mutate({ room: "club" });
    await ann.client.room.setRole.mutate({ room: "club", username: "ben", role: "moderator" });
    await cat.client.room.join.mutate({ room: "club" });
    await ben.client.room.kick.mutate({ room: "club", username: "cat" });
    await ben.client.room.ban.mutate({ room: "club", username: "cat" });
    await ann.client.room.unban.mutate({ room: "club", username: "cat" });
    await ben.client.room.leave.mutate({ room: "club" });
    await live.waitForEntries(7);
    const expected: Omit<MemberEntry, "at">[] = [
      { kind: "member", seq: 1, user: "ben", change: "joined", by: "ben" },
      { kind: "member", seq: 2, user: "ben", change: "role", role: "moderator", by: "ann" },
      { kind: "member", seq: 3, user: "cat", change: "joined", by: "cat" },
      { kind: "member", seq: 4, user: "cat", change: "kicked", by: "ben" },
      { kind: "member", seq: 5, user: "cat", change: "banned", by: "ben" },
      { kind: "member", seq: 6, user: "cat", change: "unbanned", by: "ann" },
      { kind: "member", seq: 7, user: "ben", change: "left", by: "ben" },
    ];
    // Each entry carries when it happened (the timeline files its notice under that day), the same live and replayed.
    const untimed = (entries: RoomEntry[]) =>
      entries.map((e) => (e.kind === "member" ? (({ at: _at, ...rest }) => rest)(e) : e));
    expect(untimed(live.entries)).toEqual(expected);
    for (const e of live.entries) expect(e.kind === "member" && !Number.isNaN(Date.parse(e.at))).toBe(true);
    const replay = subscribeRoom(cat.client, { room: "club", lastEventId: "0" });
    await replay.waitForEntries(7);
    expect(replay.entries).toEqual(live.entries);
    // Nothing happened twice: joining as a member, unbanning the unbanned.
    await ann.client.room.join.mutate({ room: "club" });
    await ann.client.room.unban.mutate({ room: "club", username: "cat" });
    expect((await ann.client.room.send.mutate({ room: "club", text: "x" })).seq).toBe(8);
  });
});

describe("direct messages", () => {
  test("dm.open gives the same private room from either side, in a namespace no public room can take; nobody else can get in", async () => {
    const { room } = await ann.client.dm.open.mutate({ username: "ben" });
    expect(await ben.client.dm.open.mutate({ username: "ANN" })).toEqual({ room });
    expect(room).toMatch(/^dm:\d+:\d+$/);
    await ben.client.room.send.mutate({ room, text: "just us" });
    expect(await ann.client.room.info.query({ room })).toMatchObject({
      visibility: "private",
      direct: true,
      members: 2,
    });
    expect(await failure(ann.client.room.invite.mutate({ room, username: "cat" }))).toEqual({
      code: "BAD_REQUEST",
      message: "A direct conversation is between its two people only.",
    });
    expect(await outcome(cat.client.room.history.query({ room }))).toBe("NOT_FOUND");
    expect(await outcome(cat.client.room.send.mutate({ room, text: "let me in" }))).toBe("NOT_FOUND");
    // A DM name nobody opened cannot be created by sending to it.
    expect(await outcome(cat.client.room.send.mutate({ room: "dm:1:999", text: "x" }))).toBe("NOT_FOUND");
    expect(await outcome(ann.client.dm.open.mutate({ username: "ann" }))).toBe("BAD_REQUEST");
    expect(await outcome(ann.client.dm.open.mutate({ username: "nobody-here" }))).toBe("NOT_FOUND");
    expect((await ann.client.room.mine.query()).find((r) => r.room === room)).toMatchObject({
      direct: true,
      visibility: "private",
    });
  });
});

describe("revocation", () => {
  for (const how of ["kick", "ban", "leave"] as const) {
    test(`${how}: the user's open room.messages and room.presence streams end at once with a clear error, and a resume is refused`, async () => {
      await ann.client.room.create.mutate({ room: "inner", visibility: "private" });
      await ann.client.room.invite.mutate({ room: "inner", username: "ben" });
      const stream = subscribeRoom(ben.client, { room: "inner" });
      const presence = watchPresence(ben, "inner");
      await stream.started;
      await waitFor(() => presence.state.started, "presence started");
      await ann.client.room.send.mutate({ room: "inner", text: "before" });
      await stream.waitForCount(1);
      const at = Date.now();
      if (how === "leave") await ben.client.room.leave.mutate({ room: "inner" });
      else await ann.client.room[how].mutate({ room: "inner", username: "ben" });
      await waitFor(() => stream.errors.length > 0 && presence.state.error !== null, "both streams ended", 2000);
      expect(Date.now() - at).toBeLessThan(1000);
      const message = {
        kick: "You were removed from room 'inner'.",
        ban: "You were banned from room 'inner'.",
        leave: "You left room 'inner'.",
      }[how];
      expect(stream.errors.map((e) => [e.data?.code, e.message])).toEqual([["FORBIDDEN", message]]);
      expect(presence.state.error).toEqual({ code: "FORBIDDEN", message });
      // Nothing sent after it reaches them, and coming back with the last id is refused.
      await ann.client.room.send.mutate({ room: "inner", text: "after" });
      const resumed = subscribeRoom(ben.client, { room: "inner", lastEventId: "1" });
      await waitFor(() => resumed.errors.length > 0, "resume refused");
      expect(resumed.errors[0]?.data?.code).toBe("NOT_FOUND");
      expect(stream.messages.map((m) => m.text)).toEqual(["before"]);
      expect(await outcome(ben.client.room.history.query({ room: "inner" }))).toBe("NOT_FOUND");
      presence.unsubscribe();
    });
  }

  test("a banned user cannot rejoin a public room or send to it, but can still read it; unbanned, they can join again", async () => {
    await ann.client.room.send.mutate({ room: "open", text: "welcome" });
    await ben.client.room.join.mutate({ room: "open" });
    await ann.client.room.ban.mutate({ room: "open", username: "ben" });
    expect(await failure(ben.client.room.join.mutate({ room: "open" }))).toEqual({
      code: "FORBIDDEN",
      message: "You are banned from room 'open'.",
    });
    expect(await outcome(ben.client.room.send.mutate({ room: "open", text: "x" }))).toBe("FORBIDDEN");
    expect(await outcome(ben.client.room.history.query({ room: "open" }))).toBe("OK");
    await ann.client.room.unban.mutate({ room: "open", username: "ben" });
    expect(await outcome(ben.client.room.join.mutate({ room: "open" }))).toBe("OK");
    expect(await failure(ann.client.room.invite.mutate({ room: "open", username: "cat" }))).toEqual({
      code: "BAD_REQUEST",
      message: "Anyone can join a public room: there is no need to invite.",
    });
    expect(await failure(ann.client.room.ban.mutate({ room: "open", username: "nobody-here" }))).toEqual({
      code: "NOT_FOUND",
      message: "No user is called 'nobody-here'.",
    });
  });
});
