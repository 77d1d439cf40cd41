import { describe, expect, test } from "bun:test";
import { dayLabel, GROUP_WINDOW_MS, timelinePlaces } from "../../client/app/lib/message-groups.ts";
import { mergeTimeline, placesBySeq } from "../../client/app/lib/timeline.ts";
import type { MemberEntry } from "../../shared/room-log.ts";
import type { Message } from "../../shared/schemas.ts";

const zone = { timeZone: "Europe/Berlin", locale: "en-GB", now: new Date("2026-11-23T15:00:00+01:00") };
const msg = (sender: string, timestamp: string) => ({ sender, timestamp });

describe("timelinePlaces", () => {
  test("consecutive messages from one sender within the window form one group; another sender starts a new one", () => {
    const places = timelinePlaces(
      [
        msg("ann", "2026-11-23T10:00:00+01:00"),
        msg("ann", "2026-11-23T10:01:00+01:00"),
        msg("ann", "2026-11-23T10:04:59+01:00"),
        msg("bob", "2026-11-23T10:05:00+01:00"),
        msg("ann", "2026-11-23T10:05:30+01:00"),
      ],
      zone,
    );
    expect(places.map((p) => p.startsGroup)).toEqual([true, false, false, true, true]);
  });

  test(`a gap longer than ${GROUP_WINDOW_MS / 60_000} minutes starts a new group from the same sender`, () => {
    const places = timelinePlaces(
      [msg("ann", "2026-11-23T10:00:00Z"), msg("ann", "2026-11-23T10:05:00Z"), msg("ann", "2026-11-23T10:10:01Z")],
      zone,
    );
    expect(places.map((p) => p.startsGroup)).toEqual([true, false, true]);
  });

  test("the first message of each local day gets a divider, and a group never spans midnight", () => {
    const places = timelinePlaces(
      [
        msg("ann", "2026-11-21T23:58:00+01:00"),
        msg("ann", "2026-11-22T00:01:00+01:00"), // 3 minutes later, but the next day in Berlin
        msg("ann", "2026-11-22T00:03:00+01:00"),
        msg("bob", "2026-11-23T08:00:00+01:00"),
      ],
      zone,
    );
    expect(places.map((p) => p.dayDivider)).toEqual(["Saturday 21 November", "Yesterday", null, "Today"]);
    expect(places.map((p) => p.day)).toEqual(["2026-11-21", "2026-11-22", null, "2026-11-23"]);
    expect(places.map((p) => p.startsGroup)).toEqual([true, true, false, true]);
  });

  test("days follow the reader's time zone: 23:30 UTC is the next day in Tokyo", () => {
    const messages = [msg("ann", "2026-11-20T12:00:00Z"), msg("ann", "2026-11-20T23:30:00Z")];
    expect(timelinePlaces(messages, { timeZone: "UTC" }).map((p) => p.day)).toEqual(["2026-11-20", null]);
    expect(timelinePlaces(messages, { timeZone: "Asia/Tokyo" }).map((p) => p.day)).toEqual([
      "2026-11-20",
      "2026-11-21",
    ]);
  });

  test("no messages, no places; a timestamp it cannot read gets no divider and starts its own group", () => {
    expect(timelinePlaces([])).toEqual([]);
    const places = timelinePlaces([msg("ann", "2026-11-23T10:00:00Z"), msg("ann", "not a date")], zone);
    expect(places[1]).toEqual({ dayDivider: null, day: null, startsGroup: true });
  });
});

describe("placesBySeq (messages and membership notices laid out together)", () => {
  const message = (seq: number, sender: string, timestamp: string): Message => ({
    id: seq,
    room: "lobby",
    seq,
    sender,
    text: `message ${seq}`,
    timestamp,
    editedAt: null,
    deleted: false,
    replyTo: null,
    reactions: [],
    attachments: [],
  });
  const joined = (seq: number, at: string): MemberEntry => ({
    kind: "member",
    seq,
    user: "ben",
    change: "joined",
    by: "ben",
    at,
  });

  test("regression: a notice from after midnight sits under that day's divider, not above it", () => {
    // seq 1 yesterday evening, ben joined (seq 2) this morning, then a message (seq 3): the divider goes on the notice.
    const items = mergeTimeline(
      [message(1, "ann", "2026-11-22T22:00:00+01:00"), message(3, "ann", "2026-11-23T08:00:00+01:00")],
      [joined(2, "2026-11-23T07:00:00+01:00")],
      true,
    );
    const places = placesBySeq(items, zone);
    expect(items.map((i) => i.seq)).toEqual([1, 2, 3]);
    expect([1, 2, 3].map((seq) => places.get(seq)!.dayDivider)).toEqual(["Yesterday", "Today", null]);
  });

  test("a notice the day before keeps the divider on the next day's first message", () => {
    const items = mergeTimeline(
      [message(1, "ann", "2026-11-22T22:00:00+01:00"), message(3, "ann", "2026-11-23T08:00:00+01:00")],
      [joined(2, "2026-11-22T23:00:00+01:00")],
      true,
    );
    expect([1, 2, 3].map((seq) => placesBySeq(items, zone).get(seq)!.dayDivider)).toEqual(["Yesterday", null, "Today"]);
  });

  test("a notice between two messages of one sender ends the group: the message after it shows its sender again", () => {
    const items = mergeTimeline(
      [
        message(1, "ann", "2026-11-23T10:00:00+01:00"),
        message(3, "ann", "2026-11-23T10:01:00+01:00"),
        message(4, "ann", "2026-11-23T10:02:00+01:00"),
      ],
      [joined(2, "2026-11-23T10:00:30+01:00")],
      true,
    );
    const places = placesBySeq(items, zone);
    expect([1, 2, 3, 4].map((seq) => places.get(seq)!.startsGroup)).toEqual([true, true, true, false]);
  });
});

describe("dayLabel", () => {
  test("names today and yesterday, the weekday within a week, the date before, the year when not this one", () => {
    expect(dayLabel(new Date("2026-11-23T09:00:00+01:00"), zone)).toBe("Today");
    expect(dayLabel(new Date("2026-11-22T09:00:00+01:00"), zone)).toBe("Yesterday");
    expect(dayLabel(new Date("2026-11-18T09:00:00+01:00"), zone)).toBe("Wednesday 18 November");
    expect(dayLabel(new Date("2026-11-02T09:00:00+01:00"), zone)).toBe("2 November");
    expect(dayLabel(new Date("2025-12-31T09:00:00+01:00"), zone)).toBe("31 December 2025");
  });

  test("says today and yesterday in the reader's language (Intl.RelativeTimeFormat), capitalized as a heading", () => {
    const es = { ...zone, locale: "es" };
    expect(dayLabel(new Date("2026-11-23T09:00:00+01:00"), es)).toBe("Hoy");
    expect(dayLabel(new Date("2026-11-22T09:00:00+01:00"), es)).toBe("Ayer");
    expect(dayLabel(new Date("2026-11-18T09:00:00+01:00"), es)).toBe("miércoles, 18 de noviembre");
  });
});
