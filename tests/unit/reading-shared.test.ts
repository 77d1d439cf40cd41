/**
 * What the web app and the CLI share about reading a room: the read marker
 * (throttled, never backwards; the page's way and the CLI's way) and the
 * wording of membership entries.
 */
import { describe, expect, test } from "bun:test";
import { formatChange } from "../../client/cli/format.ts";
import { describeMemberEntry } from "../../shared/member-entry-text.ts";
import { createReadMarker } from "../../shared/read-marker.ts";
import { testMemberEntry as member } from "../support/entries.ts";

describe("describeMemberEntry (the web timeline's notices and the CLI's member lines)", () => {
  test("each change reads as one short sentence naming who did it", () => {
    expect(describeMemberEntry(member(1, "joined", "ben", "ben"))).toBe("ben joined");
    expect(describeMemberEntry(member(1, "left", "ben", "ben"))).toBe("ben left");
    expect(describeMemberEntry(member(1, "invited", "ben", "ann", "member"))).toBe("ann added ben");
    expect(describeMemberEntry(member(1, "kicked"))).toBe("ann removed ben");
    expect(describeMemberEntry(member(1, "banned"))).toBe("ann banned ben");
    expect(describeMemberEntry(member(1, "unbanned"))).toBe("ann unbanned ben");
    expect(describeMemberEntry(member(1, "role", "ben", "ann", "moderator"))).toBe("ann made ben a moderator");
    expect(describeMemberEntry(member(1, "role", "ben", "ann", "member"))).toBe("ann made ben a member");
  });

  test("the CLI prints the same sentence after the entry's seq, escaped for the terminal", () => {
    expect(formatChange(member(12, "kicked"))).toBe("#12 ann removed ben");
    expect(formatChange(member(13, "role", "ben", "ann", "moderator"))).toBe("#13 ann made ben a moderator");
  });
});

describe("read marker, as the web page uses it", () => {
  function harness(initial = 0) {
    const calls: number[] = [];
    const timers: { run: () => void; at: number }[] = [];
    let clock = 0;
    let fail = false;
    const marker = createReadMarker({
      initial,
      intervalMs: 500,
      leading: true,
      markRead: async (seq) => {
        calls.push(seq);
        if (fail) throw new Error("offline");
      },
      timers: {
        setTimeout: (run, ms) => {
          const t = { run, at: clock + ms };
          timers.push(t);
          return t;
        },
        clearTimeout: (t) => timers.splice(timers.indexOf(t as (typeof timers)[number]), 1),
        now: () => clock,
      },
    });
    const advance = async (ms: number) => {
      clock += ms;
      for (const t of timers.filter((t) => t.at <= clock)) {
        timers.splice(timers.indexOf(t), 1);
        t.run();
      }
      await Promise.resolve();
      await Promise.resolve();
    };
    return { marker, calls, advance, timers, failNext: (f: boolean) => (fail = f) };
  }

  test("the first sighting is sent at once; a burst within the interval sends only its highest seq, once", async () => {
    const { marker, calls, advance } = harness();
    marker.seen(3);
    await advance(0);
    expect(calls).toEqual([3]);
    marker.seen(4);
    marker.seen(7);
    marker.seen(6);
    await advance(100);
    expect(calls).toEqual([3]);
    await advance(400);
    expect(calls).toEqual([3, 7]);
    await advance(5_000);
    expect(calls).toEqual([3, 7]);
  });

  test("never sends a seq at or below what the server holds, from the start or from another tab", async () => {
    const { marker, calls, advance } = harness(10);
    marker.seen(8);
    marker.seen(10);
    await advance(1_000);
    expect(calls).toEqual([]);
    marker.known(20);
    marker.seen(15);
    await advance(1_000);
    expect(calls).toEqual([]);
    marker.seen(21);
    await advance(0);
    expect(calls).toEqual([21]);
  });

  test("a failed call is tried again with the next sighting; dispose sends what is pending at once, then nothing more", async () => {
    const { marker, calls, advance, failNext, timers } = harness();
    failNext(true);
    marker.seen(2);
    await advance(0);
    failNext(false);
    marker.seen(3);
    await advance(500);
    expect(calls).toEqual([2, 3]);
    marker.seen(4);
    expect(timers.length).toBe(1);
    marker.dispose();
    expect(timers.length).toBe(0);
    await advance(1_000);
    expect(calls).toEqual([2, 3, 4]);
    marker.seen(9);
    marker.dispose();
    await advance(1_000);
    expect(calls).toEqual([2, 3, 4]);
  });
});

/** As the CLI's `tail` uses it: trailing (a burst costs one call), stopping at the first refusal; its calls are recorded. */
function recordingMarker(intervalMs: number, { fail = false } = {}) {
  const calls: number[] = [];
  const errors: unknown[] = [];
  const marker = createReadMarker({
    intervalMs,
    markRead: async (seq) => {
      calls.push(seq);
      if (fail) throw new Error(`refused ${seq}`);
    },
    onError: (error) => {
      errors.push(error);
      return "stop";
    },
  });
  return { marker, calls, errors };
}

describe("read marker, as the CLI's tail uses it", () => {
  test("entries seen 1..50 in a burst cost one call, with the newest seq, after the interval", async () => {
    const { marker, calls } = recordingMarker(50);
    for (let seq = 1; seq <= 50; seq++) marker.seen(seq);
    expect(calls).toEqual([]);
    await Bun.sleep(120); // past the interval: the behaviour under test
    expect(calls).toEqual([50]);
  });

  test("flush sends what is pending at once, and a second flush with nothing new sends nothing", async () => {
    const { marker, calls } = recordingMarker(60_000);
    marker.seen(3);
    marker.seen(7);
    await marker.flush();
    expect(calls).toEqual([7]);
    await marker.flush();
    expect(calls).toEqual([7]);
  });

  test("a seq lower than one already seen (a replayed entry) never moves the marker back", async () => {
    const { marker, calls } = recordingMarker(60_000);
    marker.seen(9);
    marker.seen(4);
    await marker.flush();
    marker.seen(8);
    await marker.flush();
    expect(calls).toEqual([9]);
  });

  test("after the interval, a later entry gets a call of its own", async () => {
    const { marker, calls } = recordingMarker(30);
    marker.seen(1);
    await Bun.sleep(80); // past the interval: the behaviour under test
    marker.seen(2);
    await Bun.sleep(80);
    expect(calls).toEqual([1, 2]);
  });

  test("the first refusal is reported once and marking stops (no retries against a server that said no)", async () => {
    const { marker, calls, errors } = recordingMarker(60_000, { fail: true });
    marker.seen(5);
    await marker.flush();
    marker.seen(6);
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

describe("read marker, one call at a time", () => {
  test("a flush while a call is on its way waits for it, then sends the newer seq: calls never overlap", async () => {
    const calls: number[] = [];
    let open = 0;
    let maxOpen = 0;
    const answers: (() => void)[] = [];
    const marker = createReadMarker({
      intervalMs: 60_000,
      markRead: (seq) => {
        calls.push(seq);
        maxOpen = Math.max(maxOpen, ++open);
        return new Promise<void>((resolve) => answers.push(() => resolve(void open--)));
      },
    });
    marker.seen(4);
    const first = marker.flush();
    marker.seen(9);
    const second = marker.flush();
    expect(calls).toEqual([4]);
    answers.shift()!();
    await first;
    await Promise.resolve();
    expect(calls).toEqual([4, 9]);
    answers.shift()!();
    await second;
    expect(maxOpen).toBe(1);
  });
});
