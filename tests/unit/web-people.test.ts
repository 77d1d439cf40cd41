/** People in the web app: initials and their colours, display names in the @ list, what concerns you, starting a conversation, sessions as read. */
import { describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { deviceText, lastActiveText } from "../../client/app/lib/account.ts";
import { concernOf } from "../../client/app/lib/concerns-me.ts";
import { conversationPath, dmPath } from "../../client/app/lib/dm-names.ts";
import { AVATAR_COLOURS, avatarColourOf, initialsOf } from "../../client/app/lib/initials.ts";
import { matchingNames } from "../../client/app/lib/mention-complete.ts";
import { invitationOf } from "../../client/app/lib/my-rooms.ts";
import { checkPeer, conversationError } from "../../client/app/lib/new-conversation.ts";
import { chunked, displayNameOf, watchedNames } from "../../client/app/lib/people.ts";
import { removalKind, removalText } from "../../client/app/lib/room-access.ts";
import { english } from "../../shared/i18n/index.ts";
import type { RoomUnread } from "../../shared/schemas.ts";

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}
const contrastWithWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);

describe("initialsOf", () => {
  test.each([
    ["Ann Smith", "AS"],
    ["ann", "A"],
    ["jean-luc picard", "JP"],
    ["  Mary   Ann   Lee ", "ML"],
    ["李小龙", "李"],
    ["élodie durand", "ÉD"],
    ["ann_b", "AB"],
    ["😀 Zed", "Z"],
    ["***", "?"],
  ])("%p → %p", (name, expected) => {
    expect(initialsOf(name)).toBe(expected);
  });

  test("a letter outside the BMP stays whole (no half surrogate pair)", () => {
    expect(initialsOf("𝒜lice")).toBe("𝒜");
  });
});

describe("avatarColourOf", () => {
  test("every colour carries white initials at 4.5:1 or more (WCAG AA, what axe checks)", () => {
    for (const colour of AVATAR_COLOURS) expect(contrastWithWhite(colour)).toBeGreaterThanOrEqual(4.5);
  });

  test("the same person has the same colour whatever the case of their name; people spread over the palette", () => {
    expect(avatarColourOf("Ann")).toBe(avatarColourOf("ann"));
    const used = new Set(Array.from({ length: 200 }, (_, i) => avatarColourOf(`user${i}`)));
    expect(used.size).toBe(AVATAR_COLOURS.length);
  });

  test("stable across releases: these names keep these colours (a change here recolours everyone)", () => {
    expect(["ann", "ben", "cat", "Cat"].map(avatarColourOf)).toEqual(["#b3261e", "#b3261e", "#9c4a00", "#9c4a00"]);
  });
});

describe("people store helpers", () => {
  test("a person without a display name is called by their username", () => {
    expect(displayNameOf("ann", undefined)).toBe("ann");
    expect(displayNameOf("ann", { displayName: null })).toBe("ann");
    expect(displayNameOf("ann", { displayName: "Ann Smith" })).toBe("Ann Smith");
  });

  test("usernames go to the server in runs of at most 100; the newest 100 asked are followed live", () => {
    const names = Array.from({ length: 250 }, (_, i) => `user${i}`);
    expect(chunked(names, 100).map((run) => run.length)).toEqual([100, 100, 50]);
    const watched = watchedNames(names);
    expect(watched).toHaveLength(100);
    expect(watched[0]).toBe("user150");
    expect(watched.at(-1)).toBe("user249");
  });
});

describe("matchingNames by display name", () => {
  const shown: Record<string, string> = { zed42: "Ann Smith", bob: "Robert Ng" };
  const displayName = (u: string) => shown[u] ?? null;

  test("@ann finds ann by username and zed42 by their display name 'Ann Smith'; the pick is the username", () => {
    expect(matchingNames(["ann", "zed42", "bob"], "ann", { displayName })).toEqual(["ann", "zed42"]);
  });

  test("any word of the display name starts a match ('smi' → Ann Smith); inside a word matches after the prefixes", () => {
    expect(matchingNames(["ann", "zed42", "bob"], "smi", { displayName })).toEqual(["zed42"]);
    expect(matchingNames(["ann", "zed42", "bob", "robin"], "ob", { displayName })).toEqual(["bob", "robin"]);
    expect(matchingNames(["bob", "zed42"], "ert", { displayName })).toEqual(["bob"]);
  });
});

describe("concernOf: which messages stand out as concerning you", () => {
  const msg = (over: Partial<{ room: string; sender: string; text: string; deleted: boolean }> = {}) => ({
    room: "lobby",
    sender: "ben",
    text: "hello",
    deleted: false,
    ...over,
  });

  test("a message naming you (any case) is a mention; one answering yours is a reply; a DM from the other person is direct", () => {
    expect(concernOf(msg({ text: "hi @Ann!" }), "ann")).toBe("mention");
    expect(concernOf(msg(), "ann", "ann")).toBe("reply");
    expect(concernOf(msg({ room: "dm:1:2" }), "ann")).toBe("direct");
  });

  test("nothing for your own messages, other people's, a deleted one, an address, or a guest", () => {
    expect(concernOf(msg({ sender: "ann", text: "@ann note to self" }), "ann")).toBeNull();
    expect(concernOf(msg({ text: "@annette hi" }), "ann")).toBeNull();
    expect(concernOf(msg({ text: "mail ben@ann.org" }), "ann")).toBeNull();
    expect(concernOf(msg({ text: "@ann", deleted: true }), "ann")).toBeNull();
    expect(concernOf(msg(), "ann", "cat")).toBeNull();
    expect(concernOf(msg({ text: "@ann" }), null)).toBeNull();
  });
});

describe("direct conversations by name", () => {
  test("a conversation's address is /dm/<peer>/ once its peer is known; other rooms keep /room/<name>/", () => {
    expect(dmPath("ann")).toBe("/dm/ann/");
    expect(conversationPath("dm:1:2", "ann")).toBe("/dm/ann/");
    expect(conversationPath("dm:1:2", null)).toBe("/room/dm%3A1%3A2/");
    expect(conversationPath("lobby", "ann")).toBe("/room/lobby/");
  });

  test("checkPeer takes '@ann' and ' ann ' as ann; refuses empty, invalid and yourself (any case) with a sentence", () => {
    expect(checkPeer(english, " @ann ", "ben")).toEqual({ ok: true, username: "ann" });
    expect(checkPeer(english, "", "ben")).toEqual({ ok: false, error: "Enter the username of the person to message." });
    expect(checkPeer(english, "BEN", "ben")).toEqual({
      ok: false,
      error: "That is you: enter someone else's username.",
    });
    expect(checkPeer(english, "a b", "ben")).toEqual({
      ok: false,
      error: "A username may contain only letters, digits, '_' and '-'.",
    });
    expect(checkPeer(english, "ab", "ben")).toEqual({ ok: false, error: "A username has at least 3 characters." });
  });

  test("conversationError: NOT_FOUND says nobody has that name; other refusals give the server's sentence", () => {
    const error = (code: string, message: string) =>
      new TRPCClientError(message, { result: { error: { message, code: -32004, data: { code } } } });
    expect(conversationError(english, error("NOT_FOUND", "No user is called 'zed'."), "zed")).toBe(
      "Nobody is called “zed”. Check the username.",
    );
    expect(conversationError(english, error("UNAUTHORIZED", "Sign in"), "zed")).toBe(
      "Sign in to send direct messages.",
    );
    expect(conversationError(english, error("BAD_REQUEST", "A direct conversation needs someone else."), "zed")).toBe(
      "A direct conversation needs someone else.",
    );
  });

  test("removed from a conversation, the notice names the person, never the dm: id", () => {
    const forbidden = new TRPCClientError("You left room 'dm:1:2'.", {
      result: { error: { message: "x", code: -32003, data: { code: "FORBIDDEN" } } },
    });
    const notice = removalText(english, removalKind(forbidden)!, "Ann Smith", true);
    expect(notice).toBe("You are no longer in the conversation with Ann Smith.");
    expect(notice).not.toContain("dm:");
  });
});

describe("invitations", () => {
  const room: RoomUnread = {
    room: "plans",
    visibility: "private",
    direct: false,
    lastSeq: 1,
    lastReadSeq: 0,
    unread: 0,
    mentions: 0,
    lastMessageAt: "2026-12-01T10:00:00.000Z",
  };
  test("an update with invitedBy is an invitation; other events are not", () => {
    expect(invitationOf({ type: "update", room, invitedBy: "ann" })).toEqual({ room: "plans", by: "ann" });
    expect(invitationOf({ type: "update", room })).toBeNull();
    expect(invitationOf({ type: "snapshot", rooms: [room] })).toBeNull();
    expect(invitationOf({ type: "removed", room: "plans" })).toBeNull();
  });
});

describe("sessions as read", () => {
  const now = new Date("2026-12-01T12:00:00.000Z");
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();
  test.each([
    [ago(0), "Active now"],
    [ago(1), "Active now"],
    [ago(5), "Active 5 minutes ago"],
    [ago(60), "Active 1 hour ago"],
    [ago(180), "Active 3 hours ago"],
  ])("last active %p → %p", (iso, expected) => {
    expect(lastActiveText(english, iso, now)).toBe(expected);
  });

  test("older than a day gives the date; an undated session says so", () => {
    expect(lastActiveText(english, ago(60 * 48), now, "en-GB")).toStartWith("Last active ");
    expect(lastActiveText(english, null, now)).toBe("Not used since sessions were dated");
  });

  test("browser and system: 'Firefox on Linux', either alone, or unknown", () => {
    expect(deviceText(english, { browser: "Firefox", system: "Linux" })).toBe("Firefox on Linux");
    expect(deviceText(english, { browser: "Safari", system: null })).toBe("Safari");
    expect(deviceText(english, { browser: null, system: "iOS" })).toBe("A browser on iOS");
    expect(deviceText(english, { browser: null, system: null })).toBe("Unknown browser");
  });
});
