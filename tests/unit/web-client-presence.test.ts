/** The room page's presence wording and timing: typing line, joined/left notices, the typing throttle. */
import { describe, expect, test } from "bun:test";
import {
  describeChange,
  diffPresent,
  guestsLabel,
  listNames,
  presentList,
  typingLine,
} from "../../client/app/lib/presence.ts";
import { createPresenceNotices, type Timers } from "../../client/app/lib/presence-notices.ts";
import { createTypingSignal } from "../../client/app/lib/typing-signal.ts";
import { createTranslator, english } from "../../shared/i18n/index.ts";

/** Timers that run only when the test moves the clock. */
function fakeTimers() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    setTimeout(run, ms) {
      const id = nextId++;
      pending.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout(id) {
      pending.delete(id as number);
    },
  };
  return {
    timers,
    now: () => now,
    pending: () => pending.size,
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].run();
      }
      now = until;
    },
  };
}

describe("typingLine", () => {
  test("says nothing when nobody types", () => {
    expect(typingLine(english, [], "ann")).toBe("");
  });

  test("names one or two people, and says 'several' from three", () => {
    expect(typingLine(english, ["ann"], null)).toBe("ann is typing…");
    expect(typingLine(english, ["ann", "ben"], null)).toBe("ann and ben are typing…");
    expect(typingLine(english, ["ann", "ben", "carl"], null)).toBe("several people are typing…");
  });

  test("leaves yourself out", () => {
    expect(typingLine(english, ["me"], "me")).toBe("");
    expect(typingLine(english, ["ann", "me"], "me")).toBe("ann is typing…");
    expect(typingLine(english, ["ann", "ben", "me"], "me")).toBe("ann and ben are typing…");
  });
});

describe("diffPresent and describeChange", () => {
  test("finds who arrived and who went, never yourself", () => {
    expect(diffPresent(["ann", "me"], ["ben", "me"], "me")).toEqual({ joined: ["ben"], left: ["ann"] });
    expect(diffPresent([], ["me"], "me")).toEqual({ joined: [], left: [] });
  });

  test("words a batch in one short sentence", () => {
    expect(describeChange(english, { joined: ["ann"], left: [] })).toBe("ann joined");
    expect(describeChange(english, { joined: [], left: ["ann"] })).toBe("ann left");
    expect(describeChange(english, { joined: ["ann", "ben"], left: ["carl"] })).toBe("ann and ben joined; carl left");
    expect(describeChange(english, { joined: [], left: [] })).toBe("");
  });

  test("a long list names two and counts the rest", () => {
    expect(listNames(english, ["a", "b", "c"])).toBe("a, b and c");
    expect(listNames(english, ["a", "b", "c", "d", "e"])).toBe("a, b and 3 others");
  });
});

describe("presentList", () => {
  const presence = { room: "lobby", users: ["ann", "ben", "me"], guests: 2, typing: [] };

  test("puts yourself first, counts guests, and everyone in the total", () => {
    expect(presentList(presence, "me")).toEqual({ shown: ["me", "ann", "ben"], more: 0, guests: 2, total: 5 });
    expect(presentList(presence, null).shown).toEqual(["ann", "ben", "me"]);
  });

  test("a crowded room shows the first names and how many more", () => {
    const crowd = { ...presence, users: Array.from({ length: 25 }, (_, i) => `u${String(i).padStart(2, "0")}`) };
    const list = presentList(crowd, null, 20);
    expect(list.shown.length).toBe(20);
    expect(list.more).toBe(5);
  });
});

describe("createPresenceNotices", () => {
  function setup(self: string | null = "me") {
    const clock = fakeTimers();
    const shown: string[] = [];
    const notices = createPresenceNotices({
      self: () => self,
      onNotice: (t) => shown.push(t),
      batchMs: 1_000,
      showMs: 5_000,
      timers: clock.timers,
    });
    return { clock, shown, notices };
  }

  test("the first snapshot announces nobody, however many are there", () => {
    const { clock, shown, notices } = setup();
    notices.update(["ann", "ben", "me"]);
    clock.advance(10_000);
    expect(shown).toEqual([]);
  });

  test("an arrival and a departure are announced after the batch window, then cleared", () => {
    const { clock, shown, notices } = setup();
    notices.reset(["me"]);
    notices.update(["ann", "me"]);
    clock.advance(999);
    expect(shown).toEqual([]);
    clock.advance(1);
    expect(shown).toEqual(["ann joined"]);
    notices.update(["me"]);
    clock.advance(1_000);
    expect(shown).toEqual(["ann joined", "ann left"]);
    clock.advance(5_000);
    expect(shown).toEqual(["ann joined", "ann left", ""]);
  });

  test("a storm of snapshots is one notice per window, with the net change", () => {
    const { clock, shown, notices } = setup();
    notices.reset(["me", "old"]);
    const users = ["me", "old"];
    for (let i = 0; i < 100; i++) {
      users.push(`u${i}`);
      notices.update(users.slice().sort());
      clock.advance(5);
    }
    notices.update(users.filter((u) => u !== "old").sort());
    clock.advance(1_000);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^u\d+, u\d+ and 98 others joined; old left$/);
  });

  test("someone who leaves and comes back within the window is not announced", () => {
    const { clock, shown, notices } = setup();
    notices.reset(["ann", "me"]);
    notices.update(["me"]);
    notices.update(["ann", "me"]);
    clock.advance(2_000);
    expect(shown).toEqual([]);
  });

  test("a reset (your own reconnect) replaces the state: nobody is announced as joining", () => {
    const { clock, shown, notices } = setup();
    notices.reset(["me"]);
    notices.update(["ann", "me"]); // pending, then the connection drops
    notices.reset(["ann", "ben", "carl", "me"]);
    clock.advance(2_000);
    expect(shown).toEqual([]);
    notices.update(["ann", "ben", "me"]);
    clock.advance(1_000);
    expect(shown).toEqual(["carl left"]);
  });

  test("yourself is never announced", () => {
    const { clock, shown, notices } = setup("me");
    notices.reset([]);
    notices.update(["me"]);
    clock.advance(1_000);
    notices.update([]);
    clock.advance(1_000);
    expect(shown).toEqual([]);
  });

  test("dispose cancels what is pending", () => {
    const { clock, notices } = setup();
    notices.reset([]);
    notices.update(["ann"]);
    notices.dispose();
    expect(clock.pending()).toBe(0);
  });
});

describe("createTypingSignal", () => {
  function setup() {
    let now = 0;
    const calls: number[] = [];
    let resolveLast: () => void = () => {};
    const typing = createTypingSignal({
      signal: () => {
        calls.push(now);
        return new Promise<void>((resolve) => (resolveLast = resolve));
      },
      intervalMs: 2_500,
      now: () => now,
    });
    return { typing, calls, at: (ms: number) => (now = ms), resolveLast: () => resolveLast() };
  }

  test("signals at the first keystroke, then at most once per interval while typing goes on", () => {
    const { typing, calls, at } = setup();
    for (let ms = 0; ms <= 6_000; ms += 100) {
      at(ms);
      typing.input("x".repeat(ms / 100 + 1));
    }
    expect(calls).toEqual([0, 2_500, 5_000]);
  });

  test("nothing for an empty draft (everything deleted)", () => {
    const { typing, calls } = setup();
    typing.input("");
    typing.input("   ");
    expect(calls).toEqual([]);
  });

  test("after sending, nothing more until the next keystroke, which signals at once", () => {
    const { typing, calls, at } = setup();
    typing.input("hello");
    at(1_000);
    typing.sent();
    expect(calls).toEqual([0]);
    at(1_100);
    typing.input("n");
    expect(calls).toEqual([0, 1_100]);
  });

  test("settled waits for a signal on its way, so it cannot land after the message", async () => {
    const { typing, resolveLast } = setup();
    typing.input("hello");
    let settled = false;
    const waiting = typing.settled().then(() => (settled = true));
    await Bun.sleep(0);
    expect(settled).toBe(false);
    resolveLast();
    await waiting;
    expect(settled).toBe(true);
  });

  test("a refused signal (rate limit, offline) is swallowed", async () => {
    const typing = createTypingSignal({ signal: () => Promise.reject(new Error("TOO_MANY_REQUESTS")) });
    typing.input("x");
    await typing.settled();
  });
});

describe("presence words in Spanish", () => {
  const spanish = createTranslator(() => "es");
  test("the typing line, arrivals and the guest count follow the reader's language, verbs agreeing with the count", () => {
    expect(typingLine(spanish, ["ann"], null)).toBe("ann está escribiendo…");
    expect(typingLine(spanish, ["ann", "ben"], null)).toBe("ann y ben están escribiendo…");
    expect(describeChange(spanish, { joined: ["ann"], left: [] })).toBe("ann entró");
    expect(describeChange(spanish, { joined: ["ann", "ben"], left: [] })).toBe("ann y ben entraron");
    expect(guestsLabel(spanish, 2)).toBe("2 invitados");
  });
});
