import { describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { dmPeer, roomLabel } from "../../client/app/lib/dm-names.ts";
import {
  latestMention,
  mentionNotification,
  type NotificationApi,
  showMention,
} from "../../client/app/lib/mention-notifier.ts";
import {
  badgeLabel,
  foldRoomsEvent,
  newMentions,
  noRooms,
  retryDelayMs,
  sortedRooms,
  unreadTotals,
} from "../../client/app/lib/my-rooms.ts";
import { canRejoin, isNotFound, removalKind, removalText } from "../../client/app/lib/room-access.ts";
import { roomFromPath } from "../../client/app/lib/room-name.ts";
import { canInvite, canJoin, canLeave, memberActions } from "../../client/app/lib/room-roles.ts";
import { firstUnread, isNotice, mergeTimeline, withNotice } from "../../client/app/lib/timeline.ts";
import { createTranslator, english } from "../../shared/i18n/index.ts";
import type { Message, RoomUnread } from "../../shared/schemas.ts";
import { testMemberEntry as member } from "../support/entries.ts";

const summary = (room: string, over: Partial<RoomUnread> = {}): RoomUnread => ({
  room,
  visibility: "public",
  direct: false,
  lastSeq: 1,
  lastReadSeq: 0,
  unread: 0,
  mentions: 0,
  lastMessageAt: "2026-12-01T10:00:00.000Z",
  ...over,
});

const message = (seq: number, sender = "ann", text = `message ${seq}`, over: Partial<Message> = {}): Message => ({
  id: seq,
  room: "lobby",
  seq,
  sender,
  text,
  timestamp: "2026-12-01T10:00:00.000Z",
  editedAt: null,
  deleted: false,
  replyTo: null,
  reactions: [],
  attachments: [],
  ...over,
});

/** A TRPCClientError as the client builds it from an error frame with this code and message. */
const trpcError = (code: string, message: string) =>
  TRPCClientError.from({ error: { message, code: -32603, data: { code, httpStatus: 403 } } } as Parameters<
    typeof TRPCClientError.from
  >[0]);

describe("foldRoomsEvent (me.rooms)", () => {
  test("a snapshot replaces what was held, an update replaces one room, removed drops it", () => {
    let state = foldRoomsEvent(noRooms, { type: "snapshot", rooms: [summary("a", { unread: 2 }), summary("b")] });
    expect(state.loaded).toBe(true);
    expect([...state.rooms.keys()]).toEqual(["a", "b"]);
    state = foldRoomsEvent(state, { type: "update", room: summary("a", { unread: 5, mentions: 1 }) });
    expect(state.rooms.get("a")).toMatchObject({ unread: 5, mentions: 1 });
    state = foldRoomsEvent(state, { type: "update", room: summary("c", { unread: 1 }) });
    expect(state.rooms.size).toBe(3);
    state = foldRoomsEvent(state, { type: "removed", room: "b" });
    expect([...state.rooms.keys()].sort()).toEqual(["a", "c"]);
    expect(unreadTotals(state)).toEqual({ unread: 6, mentions: 1 });
    // A snapshot after a reconnect is the whole truth again.
    state = foldRoomsEvent(state, { type: "snapshot", rooms: [summary("c")] });
    expect([...state.rooms.keys()]).toEqual(["c"]);
  });

  test("removing a room not held returns the same state", () => {
    const state = foldRoomsEvent(noRooms, { type: "snapshot", rooms: [summary("a")] });
    expect(foldRoomsEvent(state, { type: "removed", room: "zzz" })).toBe(state);
  });

  test("rooms sort by latest message, newest first, then by name", () => {
    const state = foldRoomsEvent(noRooms, {
      type: "snapshot",
      rooms: [
        summary("old", { lastMessageAt: "2026-11-01T00:00:00.000Z" }),
        summary("b"),
        summary("a"),
        summary("new", { lastMessageAt: "2026-12-02T00:00:00.000Z" }),
      ],
    });
    expect(sortedRooms(state).map((r) => r.room)).toEqual(["new", "a", "b", "old"]);
  });

  test("newMentions names the rooms whose mention count went up, nothing before the snapshot", () => {
    const before = foldRoomsEvent(noRooms, { type: "snapshot", rooms: [summary("a", { mentions: 1 }), summary("b")] });
    const after = foldRoomsEvent(before, { type: "update", room: summary("b", { unread: 1, mentions: 1 }) });
    expect(newMentions(before, after).map((r) => r.room)).toEqual(["b"]);
    expect(
      newMentions(after, foldRoomsEvent(after, { type: "update", room: summary("b", { unread: 2, mentions: 1 }) })),
    ).toEqual([]);
    expect(newMentions(noRooms, before)).toEqual([]);
  });

  test("badgeLabel says what the badges show", () => {
    expect(badgeLabel(english, { unread: 0, mentions: 0 })).toBe("");
    expect(badgeLabel(english, { unread: 3, mentions: 0 })).toBe("3 unread");
    expect(badgeLabel(english, { unread: 3, mentions: 1 })).toBe("3 unread, 1 mention");
    expect(badgeLabel(english, { unread: 4, mentions: 2 })).toBe("4 unread, 2 mentions");
  });
});

describe("me.rooms retry", () => {
  test("after a failed stream the next try waits 1 s, then twice as long each time, at most 30 s", () => {
    expect([0, 1, 2, 5, 10].map(retryDelayMs)).toEqual([1_000, 2_000, 4_000, 30_000, 30_000]);
  });
});

describe("memberActions (docs/api.md, 'Rooms and access')", () => {
  const room = (role: "owner" | "moderator" | "member" | null, direct = false) => ({ role, direct });

  test("the owner may message, set the role of, kick and ban anyone but themselves", () => {
    expect(memberActions(room("owner"), "ann", { username: "ben", role: "member", displayName: null })).toEqual([
      "message",
      "makeModerator",
      "kick",
      "ban",
    ]);
    expect(memberActions(room("owner"), "ann", { username: "mod", role: "moderator", displayName: null })).toEqual([
      "message",
      "makeMember",
      "kick",
      "ban",
    ]);
    expect(memberActions(room("owner"), "ann", { username: "ann", role: "owner", displayName: null })).toEqual([]);
  });

  test("a moderator kicks and bans members only, never the owner or another moderator, and sets no roles", () => {
    expect(memberActions(room("moderator"), "mod", { username: "ben", role: "member", displayName: null })).toEqual([
      "message",
      "kick",
      "ban",
    ]);
    expect(memberActions(room("moderator"), "mod", { username: "mod2", role: "moderator", displayName: null })).toEqual(
      ["message"],
    );
    expect(memberActions(room("moderator"), "mod", { username: "ann", role: "owner", displayName: null })).toEqual([
      "message",
    ]);
  });

  test("a member, a non-member and a guest only get 'Message'; a guest not even that", () => {
    expect(memberActions(room("member"), "ben", { username: "cat", role: "member", displayName: null })).toEqual([
      "message",
    ]);
    expect(memberActions(room(null), "dan", { username: "ann", role: "owner", displayName: null })).toEqual([
      "message",
    ]);
    expect(memberActions(room(null), null, { username: "ann", role: "owner", displayName: null })).toEqual([]);
  });

  test("a direct conversation offers nothing on the other person", () => {
    expect(memberActions(room("owner", true), "ann", { username: "ben", role: "member", displayName: null })).toEqual(
      [],
    );
  });

  test("invite, leave and join follow the room's kind and the viewer's role", () => {
    expect(canInvite({ role: "owner", direct: false, visibility: "private" })).toBe(true);
    expect(canInvite({ role: "moderator", direct: false, visibility: "private" })).toBe(true);
    expect(canInvite({ role: "member", direct: false, visibility: "private" })).toBe(false);
    expect(canInvite({ role: "owner", direct: false, visibility: "public" })).toBe(false);
    expect(canInvite({ role: "owner", direct: true, visibility: "private" })).toBe(false);
    expect(canLeave({ role: "owner", direct: false })).toBe(false);
    expect(canLeave({ role: "owner", direct: true })).toBe(true);
    expect(canLeave({ role: "member", direct: false })).toBe(true);
    expect(canLeave({ role: null, direct: false })).toBe(false);
    expect(canJoin({ role: null, visibility: "public" })).toBe(true);
    expect(canJoin({ role: null, visibility: "private" })).toBe(false);
    expect(canJoin({ role: "member", visibility: "public" })).toBe(false);
  });
});

describe("timeline", () => {
  test("notices sit between messages by seq, as the very objects held", () => {
    const messages = [message(2), message(5)];
    const joined = member(3, "joined", "ben", "ben");
    const left = member(6, "left", "ben", "ben");
    const items = mergeTimeline(messages, [joined, left], false);
    expect(items.map((i) => i.seq)).toEqual([2, 3, 5, 6]);
    expect(items[1]).toBe(joined);
    expect(items[0]).toBe(messages[0]!);
    expect(items.map(isNotice)).toEqual([false, true, false, true]);
  });

  test("without notices the message list itself is returned; a notice older than the loaded messages waits for the beginning", () => {
    const messages = [message(10), message(11)];
    expect(mergeTimeline(messages, [], false)).toBe(messages);
    expect(mergeTimeline(messages, [member(4, "joined")], false).map((i) => i.seq)).toEqual([10, 11]);
    // The whole room is loaded (the first entry was this notice): it shows, first.
    expect(mergeTimeline(messages, [member(4, "joined")], true).map((i) => i.seq)).toEqual([4, 10, 11]);
    expect(mergeTimeline([], [member(1, "joined")], true).map((i) => i.seq)).toEqual([1]);
  });

  test("withNotice keeps one per seq, in order, and at most `max`", () => {
    let notices = withNotice([], member(5, "joined"));
    notices = withNotice(notices, member(3, "joined"));
    expect(withNotice(notices, member(5, "joined"))).toBe(notices);
    expect(notices.map((n) => n.seq)).toEqual([3, 5]);
    expect(withNotice(notices, member(9, "left"), 2).map((n) => n.seq)).toEqual([5, 9]);
  });

  test("firstUnread is the first message after the marker sent by someone else and not deleted", () => {
    const messages = [
      message(1, "ann"),
      message(2, "me"),
      message(3, "ann", "", { deleted: true }),
      message(4, "ben"),
      message(5, "ann"),
    ];
    expect(firstUnread(messages, 1, "me")?.seq).toBe(4);
    expect(firstUnread(messages, 0, "me")?.seq).toBe(1);
    expect(firstUnread(messages, 5, "me")).toBeNull();
  });
});

describe("room access on the page", () => {
  test("NOT_FOUND is the not-found page; a FORBIDDEN end of stream says whether you left, were removed or banned", () => {
    expect(isNotFound(trpcError("NOT_FOUND", "Room 'x' does not exist."))).toBe(true);
    expect(isNotFound(new Error("Room 'x' does not exist."))).toBe(false);
    expect(removalKind(trpcError("FORBIDDEN", "You left room 'x'."))).toBe("left");
    expect(removalKind(trpcError("FORBIDDEN", "You were removed from room 'x'."))).toBe("removed");
    expect(removalKind(trpcError("FORBIDDEN", "You were banned from room 'x'."))).toBe("banned");
    expect(removalKind(trpcError("NOT_FOUND", "Room 'x' does not exist."))).toBe("hidden");
    expect(removalKind(trpcError("INTERNAL_SERVER_ERROR", "boom"))).toBeNull();
    expect(removalText(english, "left", "#x")).toBe("You left #x.");
    expect(removalText(english, "banned", "#x")).toBe("You were banned from #x.");
    // The same sentence in the reader's language, from the catalog.
    expect(
      removalText(
        createTranslator(() => "es"),
        "banned",
        "#x",
      ),
    ).toBe("Te vetaron en #x.");
  });

  test("Join is offered after leaving or being removed from a public room, never after a ban or from a private room", () => {
    expect(canRejoin("left", "public")).toBe(true);
    expect(canRejoin("removed", "public")).toBe(true);
    expect(canRejoin("banned", "public")).toBe(false);
    expect(canRejoin("left", "private")).toBe(false);
    expect(canRejoin("hidden", "public")).toBe(false);
    expect(canRejoin("left", undefined)).toBe(false);
  });
});

describe("roomFromPath", () => {
  test("decodes the router's still-encoded segment, and leaves a malformed one as it is", () => {
    expect(roomFromPath("dm%3A1%3A2")).toBe("dm:1:2");
    expect(roomFromPath("lobby")).toBe("lobby");
    expect(roomFromPath("bad%E0%A4%A")).toBe("bad%E0%A4%A");
  });
});

describe("direct-message names", () => {
  test("a direct conversation is named after the other person; other rooms by '#name'", () => {
    expect(
      dmPeer(
        [
          { username: "ann", role: "owner", displayName: null },
          { username: "ben", role: "member", displayName: null },
        ],
        "ann",
      ),
    ).toBe("ben");
    expect(dmPeer([{ username: "ann", role: "owner", displayName: null }], "ann")).toBe("ann");
    expect(roomLabel("dm:1:2", "ben", "Mensaje directo")).toBe("ben");
    expect(roomLabel("dm:1:2", null, "Mensaje directo")).toBe("Mensaje directo");
    expect(roomLabel("lobby", "ignored", "Mensaje directo")).toBe("#lobby");
  });
});

describe("mention notifications", () => {
  test("latestMention finds the newest unread message naming you, by someone else", () => {
    const messages = [
      message(1, "ann", "@meg old"),
      message(2, "ann", "hello @MEG there"),
      message(3, "meg", "@meg self"),
      message(4, "ben", "no mention"),
      message(5, "ann", "@megan is another"),
    ];
    expect(latestMention(messages, "meg", 0)?.seq).toBe(2);
    expect(latestMention(messages, "meg", 2)).toBeNull();
  });

  test("the notification says who and what, cut to a glance", () => {
    expect(mentionNotification("#lobby", message(1, "ann", "@me look"))).toEqual({
      title: "#lobby",
      body: "ann: @me look",
    });
    const long = mentionNotification("#lobby", message(1, "ann", "x".repeat(300)));
    expect([...long.body].length).toBe("ann: ".length + 140);
    expect(long.body.endsWith("…")).toBe(true);
    expect(mentionNotification("ben", null)).toEqual({ title: "ben", body: "You were mentioned." });
  });

  test("a notification is made only with permission, tagged by room; clicking it focuses and opens the room", () => {
    const made: { title: string; options?: NotificationOptions; closed: boolean; onclick: (() => void) | null }[] = [];
    const api = (permission: NotificationPermission) =>
      class {
        static permission = permission;
        static requestPermission = async () => permission;
        onclick: (() => void) | null = null;
        closed = false;
        constructor(
          public title: string,
          public options?: NotificationOptions,
        ) {
          made.push(this);
        }
        close() {
          this.closed = true;
        }
      } as unknown as NotificationApi;
    const opened: string[] = [];
    let focused = 0;
    const open = (room: string) => opened.push(room);
    expect(showMention({ api: api("default"), room: "lobby", title: "#lobby", body: "b", open })).toBeNull();
    expect(showMention({ api: api("denied"), room: "lobby", title: "#lobby", body: "b", open })).toBeNull();
    expect(made).toEqual([]);
    showMention({
      api: api("granted"),
      room: "lobby",
      title: "#lobby",
      body: "ann: @me",
      open,
      focus: () => focused++,
    });
    expect(made).toHaveLength(1);
    expect(made[0]!.title).toBe("#lobby");
    expect(made[0]!.options).toEqual({ body: "ann: @me", tag: "parlor-mention:lobby" });
    made[0]!.onclick!();
    expect(focused).toBe(1);
    expect(opened).toEqual(["lobby"]);
    expect(made[0]!.closed).toBe(true);
  });
});
