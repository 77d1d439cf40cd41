/** The CLI's read marker (throttled, flushed at exit, stops at a refusal) and how it prints rooms. */
import { describe, expect, test } from "bun:test";
import { createReadMarker } from "../../client/cli/read-marker.ts";
import { formatActiveRoom, formatMember, formatRoomInfo, formatYourRoom, roomKind, unreadCounts } from "../../client/cli/room-format.ts";

/** A marker whose calls are recorded; each call resolves when `release` is called for it (or at once). */
function recordingMarker(intervalMs: number, { fail = false } = {}) {
  const calls: number[] = [];
  const errors: unknown[] = [];
  const marker = createReadMarker({
    intervalMs,
    mark: async (seq) => {
      calls.push(seq);
      if (fail) throw new Error(`refused ${seq}`);
    },
    onError: (error) => errors.push(error),
  });
  return { marker, calls, errors };
}

describe("read marker", () => {
  test("entries seen 1..50 in a burst cost one call, with the newest seq, after the interval", async () => {
    const { marker, calls } = recordingMarker(50);
    for (let seq = 1; seq <= 50; seq++) marker.saw(seq);
    expect(calls).toEqual([]);
    await Bun.sleep(120);
    expect(calls).toEqual([50]);
  });

  test("flush sends what is pending at once, and a second flush with nothing new sends nothing", async () => {
    const { marker, calls } = recordingMarker(60_000);
    marker.saw(3);
    marker.saw(7);
    await marker.flush();
    expect(calls).toEqual([7]);
    await marker.flush();
    expect(calls).toEqual([7]);
  });

  test("a seq lower than one already seen (a replayed entry) never moves the marker back", async () => {
    const { marker, calls } = recordingMarker(60_000);
    marker.saw(9);
    marker.saw(4);
    await marker.flush();
    marker.saw(8);
    await marker.flush();
    expect(calls).toEqual([9]);
  });

  test("after the interval, a later entry gets a call of its own", async () => {
    const { marker, calls } = recordingMarker(30);
    marker.saw(1);
    await Bun.sleep(80);
    marker.saw(2);
    await Bun.sleep(80);
    expect(calls).toEqual([1, 2]);
  });

  test("the first refusal is reported once and marking stops (no retries against a server that said no)", async () => {
    const { marker, calls, errors } = recordingMarker(60_000, { fail: true });
    marker.saw(5);
    await marker.flush();
    marker.saw(6);
    await marker.flush();
    expect(calls).toEqual([5]);
    expect(errors.map((e) => (e as Error).message)).toEqual(["refused 5"]);
  });

  test("a flush with nothing seen sends nothing", async () => {
    const { marker, calls } = recordingMarker(10);
    await marker.flush();
    expect(calls).toEqual([]);
  });
});

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
    expect(formatRoomInfo({ room: "plans", visibility: "private", topic: `Q1 ${evil}`, owner: "ann", role: null, members: 3, direct: false })).toBe(
      ["plans (🔒 private)", "topic: Q1 \\x1b]0;pwned\\x07", "owner: ann", "members: 3", "you: not a member"].join("\n"),
    );
    expect(formatMember({ username: "bob\u202E", role: "moderator" })).toBe("bob\\u202e\tmoderator");
    const unread = { room: "dm:1:2", visibility: "private", direct: true, lastSeq: 9, lastReadSeq: 2, unread: 3, mentions: 1, lastMessageAt: "2026-12-01T10:00:00.000Z" } as const;
    expect(formatYourRoom({ unread, partner: `eve${evil}` })).toBe("dm:1:2\t🔒 with eve\\x1b]0;pwned\\x07\t3 unread, 1 mention\tlast 2026-12-01T10:00:00.000Z");
    const mine = { room: "dm:1:2", visibility: "private", topic: "a\u2028b", direct: true, role: "member", lastSeq: 9, messages: 5, lastMessageAt: unread.lastMessageAt } as const;
    expect(formatYourRoom({ unread, mine, partner: "eve" })).toBe("dm:1:2\t🔒 with eve\t3 unread, 1 mention\tmember\tlast 2026-12-01T10:00:00.000Z\ta\\u2028b");
  });

  test("an active room says how many messages it has (not how many entries) and who is there", () => {
    expect(formatActiveRoom({ name: "lobby", present: 2, lastSeq: 12, messages: 1, lastMessageAt: "2026-12-01T10:00:00.000Z" })).toBe(
      "lobby\t1 message\t2 here now\tlast 2026-12-01T10:00:00.000Z",
    );
  });
});
