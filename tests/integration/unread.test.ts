/**
 * Read markers and unread counts through the real @trpc/client against a real
 * server, on SQLite and PostgreSQL: exact counts (others' messages only, not
 * deleted; edits, reactions and membership entries are not unread), mentions,
 * markers that only move forward, and `me.rooms` live.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import type { MeRoomsEvent, RoomUnread } from "../../shared/schemas.ts";
import { type Backend, createPostgresSchema, describeEach, postgresService } from "../support/backends.ts";
import { startTestServer, type TestServer, type TestUser } from "../support/server.ts";
import { waitFor } from "../support/wait.ts";

const serverBackends: Backend<{ env: Record<string, string> }>[] = [
  { name: "sqlite", create: async () => ({ env: {}, dispose: async () => {} }) },
  {
    name: "postgres",
    service: postgresService,
    async create() {
      const schema = await createPostgresSchema();
      return { env: { DATABASE_URL: schema.url }, dispose: schema.drop };
    },
  },
];

/** The caller's rooms as `me.rooms` says now: the snapshot with every later update applied. */
function watchMyRooms(user: TestUser) {
  const rooms = new Map<string, RoomUnread>();
  const events: MeRoomsEvent[] = [];
  const sub = user.client.me.rooms.subscribe(undefined, {
    onData: (e) => {
      events.push(e);
      if (e.type === "snapshot") for (const r of e.rooms) rooms.set(r.room, r);
      else if (e.type === "update") rooms.set(e.room.room, e.room);
      else rooms.delete(e.room);
    },
  });
  return { rooms, events, unsubscribe: () => sub.unsubscribe() };
}

await describeEach("unread counts", serverBackends, (backend) => {
  let disposeDb: () => Promise<void>;
  let server: TestServer;
  let ann: TestUser;
  let ben: TestUser;
  beforeEach(async () => {
    const db = await backend.create();
    disposeDb = db.dispose;
    server = await startTestServer(db.env);
    [ann, ben] = await Promise.all([server.signUp("ann"), server.signUp("ben")]);
  });
  afterEach(async () => {
    await server.stop();
    await disposeDb();
  });

  const countsOf = async (user: TestUser, room: string) => {
    const mine = watchMyRooms(user);
    await waitFor(() => mine.events.length > 0, "snapshot");
    mine.unsubscribe();
    return mine.rooms.get(room);
  };

  test("unread counts others' messages after the marker, not deleted; own messages, edits, reactions and membership entries are not unread", async () => {
    await ann.client.room.create.mutate({ room: "team", visibility: "private" });
    await ann.client.room.invite.mutate({ room: "team", username: "ben" }); // seq 1: a membership entry
    const m = await ben.client.room.send.mutate({ room: "team", text: "one" }); // 2
    await ben.client.room.send.mutate({ room: "team", text: "two, @ANN look" }); // 3: mentions ann
    await ann.client.room.send.mutate({ room: "team", text: "mine" }); // 4: her own
    await ben.client.room.edit.mutate({ room: "team", seq: m.seq, text: "one, edited" }); // 5
    await ben.client.room.react.mutate({ room: "team", seq: m.seq, emoji: "👍", add: true }); // 6
    const doomed = await ben.client.room.send.mutate({ room: "team", text: "@ann gone soon" }); // 7
    await ben.client.room.delete.mutate({ room: "team", seq: doomed.seq }); // 8
    expect(await countsOf(ann, "team")).toMatchObject({
      room: "team",
      visibility: "private",
      lastSeq: 8,
      lastReadSeq: 0,
      unread: 2,
      mentions: 1,
    });
    expect(await countsOf(ben, "team")).toMatchObject({ unread: 1, mentions: 0 });

    // Marked as read up to the first message: one unread left, and it is the mention.
    expect(await ann.client.room.markRead.mutate({ room: "team", seq: 2 })).toEqual({ room: "team", lastReadSeq: 2 });
    expect(await countsOf(ann, "team")).toMatchObject({ lastReadSeq: 2, unread: 1, mentions: 1 });
    // Only forward: an older seq changes nothing; past the end is clamped to the newest entry.
    expect(await ann.client.room.markRead.mutate({ room: "team", seq: 1 })).toEqual({ room: "team", lastReadSeq: 2 });
    expect(await ann.client.room.markRead.mutate({ room: "team", seq: 999 })).toEqual({ room: "team", lastReadSeq: 8 });
    expect(await countsOf(ann, "team")).toMatchObject({ lastReadSeq: 8, unread: 0, mentions: 0 });
  });

  test("an edit that adds a mention counts it; one that removes it uncounts it", async () => {
    await ann.client.room.send.mutate({ room: "lobby", text: "hi" });
    const m = await ben.client.room.send.mutate({ room: "lobby", text: "hello" });
    expect(await countsOf(ann, "lobby")).toMatchObject({ unread: 1, mentions: 0 });
    await ben.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "hello @ann" });
    expect(await countsOf(ann, "lobby")).toMatchObject({ unread: 1, mentions: 1 });
    await ben.client.room.edit.mutate({ room: "lobby", seq: m.seq, text: "hello ann@example.com" });
    expect(await countsOf(ann, "lobby")).toMatchObject({ unread: 1, mentions: 0 });
  });

  test("every DM message by the other person is a mention, live and in the stored counts; one's own are not", async () => {
    const { room: dm } = await ann.client.dm.open.mutate({ username: "ben" });
    const live = watchMyRooms(ann);
    await waitFor(() => live.rooms.has(dm), "ann's snapshot with the DM");
    await ben.client.room.send.mutate({ room: dm, text: "are you there?" });
    await ben.client.room.send.mutate({ room: dm, text: "lunch?" });
    await ann.client.room.send.mutate({ room: dm, text: "yes" });
    await waitFor(() => live.rooms.get(dm)?.lastSeq === 3, "three messages");
    expect(live.rooms.get(dm)).toMatchObject({ unread: 2, mentions: 2 });
    live.unsubscribe();
    // Read again from the database (the mention rows), for both sides.
    expect(await countsOf(ann, dm)).toMatchObject({ unread: 2, mentions: 2 });
    expect(await countsOf(ben, dm)).toMatchObject({ unread: 1, mentions: 1 });
  });

  test("a reply to one of your messages is a mention; a reply to another's message, or your reply to yourself, is not", async () => {
    const cat = await server.signUp("cat");
    const annsMessage = await ann.client.room.send.mutate({ room: "lobby", text: "what time is it?" });
    const catsMessage = await cat.client.room.send.mutate({ room: "lobby", text: "and where?" });
    const live = watchMyRooms(ann);
    await waitFor(() => live.rooms.has("lobby"), "ann's snapshot");
    await ben.client.room.send.mutate({ room: "lobby", text: "noon", replyTo: annsMessage.seq }); // ann: mention
    await ben.client.room.send.mutate({ room: "lobby", text: "here", replyTo: catsMessage.seq }); // cat's, not ann's
    await ann.client.room.send.mutate({ room: "lobby", text: "thanks", replyTo: annsMessage.seq }); // her own
    await waitFor(() => live.rooms.get("lobby")?.lastSeq === 5, "five messages");
    expect(live.rooms.get("lobby")).toMatchObject({ unread: 3, mentions: 1 });
    live.unsubscribe();
    expect(await countsOf(ann, "lobby")).toMatchObject({ unread: 3, mentions: 1 });
    expect(await countsOf(cat, "lobby")).toMatchObject({ mentions: 1 });
  });

  test("being invited: the invited user's me.rooms gets the room in an update carrying invitedBy, once", async () => {
    await ann.client.room.create.mutate({ room: "plans", visibility: "private" });
    const live = watchMyRooms(ben);
    await waitFor(() => live.events.length > 0, "ben's snapshot");
    await ann.client.room.invite.mutate({ room: "plans", username: "ben" });
    await waitFor(() => live.rooms.has("plans"), "the room ben was added to");
    expect(live.events.filter((e) => e.type === "update" && e.room.room === "plans")).toEqual([
      { type: "update", room: expect.objectContaining({ room: "plans", visibility: "private" }), invitedBy: "ann" },
    ]);
    // The next update of the room is an ordinary one.
    await ann.client.room.send.mutate({ room: "plans", text: "welcome" });
    await waitFor(() => live.rooms.get("plans")?.unread === 1, "the welcome");
    expect(live.events.at(-1)).toEqual({ type: "update", room: expect.objectContaining({ room: "plans", unread: 1 }) });
    live.unsubscribe();
  });

  test("me.rooms: a snapshot, then updates for new messages, a marker moved in another tab, rooms joined; a room you are removed from goes", async () => {
    await ann.client.room.create.mutate({ room: "club", visibility: "private" });
    await ann.client.room.invite.mutate({ room: "club", username: "ben" });
    const live = watchMyRooms(ben);
    await waitFor(() => live.events.length > 0, "snapshot");
    expect(live.events[0]).toMatchObject({ type: "snapshot" });
    expect(live.rooms.get("club")).toMatchObject({ unread: 0, mentions: 0 });

    await ann.client.room.send.mutate({ room: "club", text: "ping @ben" });
    await ann.client.room.send.mutate({ room: "club", text: "and again" });
    await waitFor(() => live.rooms.get("club")?.unread === 2, "two unread");
    expect(live.rooms.get("club")).toMatchObject({ unread: 2, mentions: 1, lastSeq: 3 });

    // Another tab of ben's reads up to the mention.
    await ben.client.room.markRead.mutate({ room: "club", seq: 2 });
    await waitFor(() => live.rooms.get("club")?.lastReadSeq === 2, "the marker from the other tab");
    expect(live.rooms.get("club")).toMatchObject({ unread: 1, mentions: 0 });

    // A deleted unread message leaves the count.
    const m = await ann.client.room.send.mutate({ room: "club", text: "oops" });
    await waitFor(() => live.rooms.get("club")?.unread === 2, "three sent, one read");
    await ann.client.room.delete.mutate({ room: "club", seq: m.seq });
    await waitFor(() => live.rooms.get("club")?.unread === 1, "the deleted one uncounted");

    // Joining a room by sending to it makes it one of his; a DM too.
    await ann.client.room.send.mutate({ room: "lobby", text: "welcome" });
    await ben.client.room.send.mutate({ room: "lobby", text: "thanks" });
    await waitFor(() => live.rooms.has("lobby"), "lobby joined by sending");
    expect(live.rooms.get("lobby")).toMatchObject({ visibility: "public", unread: 1 });
    const { room: dm } = await ann.client.dm.open.mutate({ username: "ben" });
    await waitFor(() => live.rooms.has(dm), "the DM");
    expect(live.rooms.get(dm)).toMatchObject({ direct: true, visibility: "private" });

    // Removed: the room leaves his list.
    await ann.client.room.kick.mutate({ room: "club", username: "ben" });
    await waitFor(() => !live.rooms.has("club"), "club removed");
    expect(live.events.at(-1)).toEqual({ type: "removed", room: "club" });
    live.unsubscribe();
  });
});
