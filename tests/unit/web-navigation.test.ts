import { describe, expect, test } from "bun:test";
import { appKey } from "../../client/app/lib/app-keys.ts";
import { feedKey } from "../../client/app/lib/feed-keys.ts";
import {
  filterSwitcher,
  neighbourRoom,
  type SwitcherItem,
  switcherItems,
  switcherKey,
} from "../../client/app/lib/quick-switcher.ts";
import { canonicalRoomPath, checkRoomName } from "../../client/app/lib/room-name.ts";
import { english } from "../../shared/i18n/index.ts";

describe("feedKey (the timeline as a WAI-ARIA feed)", () => {
  test("↑/↓ and Page Up/Page Down move one message, clamped at both ends; Home/End go to the first/last", () => {
    expect(feedKey({ key: "ArrowDown" }, 2, 5)).toEqual({ kind: "focus", index: 3 });
    expect(feedKey({ key: "PageDown" }, 2, 5)).toEqual({ kind: "focus", index: 3 });
    expect(feedKey({ key: "ArrowUp" }, 2, 5)).toEqual({ kind: "focus", index: 1 });
    expect(feedKey({ key: "PageUp" }, 2, 5)).toEqual({ kind: "focus", index: 1 });
    expect(feedKey({ key: "ArrowUp" }, 0, 5)).toEqual({ kind: "focus", index: 0 });
    expect(feedKey({ key: "ArrowDown" }, 4, 5)).toEqual({ kind: "focus", index: 4 });
    expect(feedKey({ key: "Home" }, 3, 5)).toEqual({ kind: "focus", index: 0 });
    expect(feedKey({ key: "End" }, 1, 5)).toEqual({ kind: "focus", index: 4 });
  });

  test("Enter opens the message's actions; Ctrl+Home / Ctrl+End leave the feed before / after it", () => {
    expect(feedKey({ key: "Enter" }, 0, 1)).toEqual({ kind: "open" });
    expect(feedKey({ key: "Home", ctrlKey: true }, 2, 5)).toEqual({ kind: "leave", to: "before" });
    expect(feedKey({ key: "End", ctrlKey: true }, 2, 5)).toEqual({ kind: "leave", to: "after" });
  });

  test("keys that belong to others are left alone: Alt+↑ (rooms), Shift or Meta combinations, letters, Tab, an empty feed", () => {
    expect(feedKey({ key: "ArrowUp", altKey: true }, 2, 5)).toBeNull();
    expect(feedKey({ key: "ArrowDown", shiftKey: true }, 2, 5)).toBeNull();
    expect(feedKey({ key: "ArrowDown", metaKey: true }, 2, 5)).toBeNull();
    expect(feedKey({ key: "a" }, 2, 5)).toBeNull();
    expect(feedKey({ key: "Tab" }, 2, 5)).toBeNull();
    expect(feedKey({ key: "ArrowDown" }, 0, 0)).toBeNull();
  });
});

const rooms = [
  { room: "general", label: "#general" },
  { room: "dm:1:2", label: "ann" },
  { room: "plans", label: "#plans" },
  { room: "gardening", label: "#gardening" },
];
const people = [
  { username: "ann", label: "ann" },
  { username: "gus", label: "Gus Grant" },
  { username: "me", label: "me" },
];
const labels = (items: SwitcherItem[]) => items.map((i) => i.label);

describe("the quick switcher's choices", () => {
  test("your rooms and conversations first, then people not already a conversation, never yourself", () => {
    const items = switcherItems(rooms, people, "me");
    expect(labels(items)).toEqual(["#general", "ann", "#plans", "#gardening", "Gus Grant"]);
    expect(items.at(-1)).toEqual({ kind: "person", username: "gus", label: "Gus Grant" });
    expect(new Set(items.map(switcherKey)).size).toBe(items.length);
  });

  test("an empty query lists everything in order; matching ignores case, and names that begin with the text come first", () => {
    const items = switcherItems(rooms, people, "me");
    expect(labels(filterSwitcher(items, ""))).toEqual(labels(items));
    expect(labels(filterSwitcher(items, "GA"))).toEqual(["#gardening"]);
    expect(labels(filterSwitcher(items, "G"))).toEqual(["#general", "#gardening", "Gus Grant"]);
    expect(labels(filterSwitcher(items, "an"))).toEqual(["ann", "#plans", "Gus Grant"]);
    expect(labels(filterSwitcher(items, "gus"))).toEqual(["Gus Grant"]);
    expect(filterSwitcher(items, "zzz")).toEqual([]);
  });

  test("# asks for rooms only and @ for people and conversations only", () => {
    const items = switcherItems(rooms, people, "me");
    expect(labels(filterSwitcher(items, "#g"))).toEqual(["#general", "#gardening"]);
    expect(labels(filterSwitcher(items, "@"))).toEqual(["ann", "Gus Grant"]);
    expect(labels(filterSwitcher(items, "@g"))).toEqual(["Gus Grant"]);
  });

  test("at most `limit` choices", () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ room: `r${i}`, label: `#r${i}` }));
    expect(filterSwitcher(switcherItems(many, [], null), "r", 20)).toHaveLength(20);
  });
});

describe("neighbourRoom (Alt+↑ / Alt+↓)", () => {
  const order = ["general", "plans", "dm:1:2"];
  test("the next or previous room in the sidebar's order, wrapping around", () => {
    expect(neighbourRoom(order, "general", 1)).toBe("plans");
    expect(neighbourRoom(order, "dm:1:2", 1)).toBe("general");
    expect(neighbourRoom(order, "general", -1)).toBe("dm:1:2");
  });
  test("from a page that is not one of your rooms: the first going down, the last going up; none without rooms", () => {
    expect(neighbourRoom(order, null, 1)).toBe("general");
    expect(neighbourRoom(order, "elsewhere", -1)).toBe("dm:1:2");
    expect(neighbourRoom([], "general", 1)).toBeNull();
  });
});

describe("canonical room names in the app", () => {
  test("what is typed may carry a leading # and any case: it names the one lower-case room", () => {
    expect(checkRoomName(english, "#General")).toEqual({ ok: true, name: "general" });
    expect(checkRoomName(english, "  General ")).toEqual({ ok: true, name: "general" });
    expect(checkRoomName(english, "##general").ok).toBe(false);
  });
  test("/room/General/ belongs at /room/general/; a canonical or invalid name stays where it is", () => {
    expect(canonicalRoomPath("General")).toBe("/room/general/");
    expect(canonicalRoomPath("%23Plans")).toBe("/room/plans/");
    expect(canonicalRoomPath("general")).toBeNull();
    expect(canonicalRoomPath("dm%3A1%3A2")).toBeNull();
    expect(canonicalRoomPath("no%20spaces")).toBeNull();
  });
});

describe("appKey (the app's keys, wherever the focus is)", () => {
  test("Ctrl+K and ⌘K open the switcher, in either case; Alt+↑/↓ go between rooms; Esc closes", () => {
    expect(appKey({ key: "k", ctrlKey: true })).toBe("switcher");
    expect(appKey({ key: "K", metaKey: true })).toBe("switcher");
    expect(appKey({ key: "ArrowDown", altKey: true })).toBe("next-room");
    expect(appKey({ key: "ArrowUp", altKey: true })).toBe("previous-room");
    expect(appKey({ key: "Escape" })).toBe("close");
  });
  test("other combinations stay the browser's or the page's", () => {
    expect(appKey({ key: "k" })).toBeNull();
    expect(appKey({ key: "k", ctrlKey: true, shiftKey: true })).toBeNull();
    expect(appKey({ key: "ArrowDown" })).toBeNull();
    expect(appKey({ key: "ArrowDown", altKey: true, shiftKey: true })).toBeNull();
    expect(appKey({ key: "ArrowLeft", altKey: true })).toBeNull();
  });
});
