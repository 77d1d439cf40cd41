/** How the CLI prints rooms. */
import { describe, expect, test } from "bun:test";
import {
  formatActiveRoom,
  formatMember,
  formatRoomInfo,
  formatYourRoom,
  roomKind,
  unreadCounts,
} from "../../client/cli/room-format.ts";

describe("room formatting", () => {
  test("kinds: a public room, a private one locked, a DM locked and named by the other person", () => {
    expect(roomKind({ visibility: "public", direct: false })).toBe("public");
    expect(roomKind({ visibility: "private", direct: false })).toBe("🔒 private");
    expect(roomKind({ visibility: "private", direct: true }, "bob")).toBe("🔒 with bob");
  });

  test("unread counts in words: none, unread only, unread with one and with several mentions", () => {
    expect(unreadCounts({ unread: 0, mentions: 0 })).toBe("no unread");
    expect(unreadCounts({ unread: 4, mentions: 0 })).toBe("4 unread");
    expect(unreadCounts({ unread: 4, mentions: 1 })).toBe("4 unread, 1 mention");
    expect(unreadCounts({ unread: 4, mentions: 2 })).toBe("4 unread, 2 mentions");
  });

  test("a room's info, a member and a line of your rooms print server text through the neutraliser", () => {
    const evil = "\u001b]0;pwned\u0007";
    expect(
      formatRoomInfo({
        room: "plans",
        visibility: "private",
        topic: `Q1 ${evil}`,
        owner: "ann",
        role: null,
        members: 3,
        direct: false,
      }),
    ).toBe(
      ["plans (🔒 private)", "topic: Q1 \\x1b]0;pwned\\x07", "owner: ann", "members: 3", "you: not a member"].join(
        "\n",
      ),
    );
    expect(formatMember({ username: "bob\u202E", role: "moderator", displayName: null })).toBe("bob\\u202e\tmoderator");
    expect(formatMember({ username: "bob", role: "member", displayName: `Bob${evil}` })).toBe(
      "bob\tmember\tBob\\x1b]0;pwned\\x07",
    );
    const unread = {
      room: "dm:1:2",
      visibility: "private",
      direct: true,
      lastSeq: 9,
      lastReadSeq: 2,
      unread: 3,
      mentions: 1,
      lastMessageAt: "2026-12-01T10:00:00.000Z",
    } as const;
    expect(formatYourRoom({ unread, partner: `eve${evil}` })).toBe(
      "dm:1:2\t🔒 with eve\\x1b]0;pwned\\x07\t3 unread, 1 mention\tlast 2026-12-01T10:00:00.000Z",
    );
    const mine = {
      room: "dm:1:2",
      visibility: "private",
      topic: "a\u2028b",
      direct: true,
      role: "member",
      lastSeq: 9,
      messages: 5,
      lastMessageAt: unread.lastMessageAt,
    } as const;
    expect(formatYourRoom({ unread, mine, partner: "eve" })).toBe(
      "dm:1:2\t🔒 with eve\t3 unread, 1 mention\tmember\tlast 2026-12-01T10:00:00.000Z\ta\\u2028b",
    );
  });

  test("an active room says how many messages it has (not how many entries) and who is there", () => {
    expect(
      formatActiveRoom({
        name: "lobby",
        present: 2,
        lastSeq: 12,
        messages: 1,
        lastMessageAt: "2026-12-01T10:00:00.000Z",
      }),
    ).toBe("lobby\t1 message\t2 here now\tlast 2026-12-01T10:00:00.000Z");
  });
});
