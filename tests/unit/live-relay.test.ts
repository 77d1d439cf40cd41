/**
 * The switch between a subscriber's own stream and the room's live relay
 * (chat/live-relay.ts), driven event by event: a real SQLite log, a real
 * in-memory group layer, and a seat that records what the shared channel hands
 * it. What the subscriber sees is the stream's values and the channel's, in the
 * order they reached it: every seq once, in order, whatever the switches.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { createDb, type Db } from "../../db/index.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { createUser } from "../../server/auth/index.ts";
import { createEntryConfirmer } from "../../server/chat/entry-confirmer.ts";
import { createLiveRelays, type LiveRelays } from "../../server/chat/live-relay.ts";
import { entriesBetween } from "../../server/chat/log-reader.ts";
import { appendMessage } from "../../server/chat/message-store.ts";
import { openRoomStream, type RoomStreamOptions } from "../../server/chat/room-stream.ts";
import type { GroupLayer } from "../../server/groups/group-layer.ts";
import type { LiveChannel, LiveRider, LiveSeat } from "../../server/groups/live-channel.ts";
import { createMemoryGroupLayer, type MemoryGroupLayer } from "../../server/groups/memory.ts";
import { type EntryEvent, type Message, type RoomEntry, type RoomEvent, roomGroup } from "../../shared/schemas.ts";
import { quietFor, waitFor } from "../support/wait.ts";

let db: Db;
let groups: MemoryGroupLayer;
let relays: LiveRelays;
let ann: { id: number; username: string };
let abort: AbortController;
beforeEach(async () => {
  db = createDb("sqlite::memory:");
  await migrateToLatest(db);
  groups = createMemoryGroupLayer({ capacity: 4 });
  relays = createLiveRelays(groups, confirm);
  ann = await createUser(db, { username: "ann", password: "ann's password" });
  abort = new AbortController();
});
afterEach(async () => {
  abort.abort();
  await groups.close();
  await db.destroy();
});

/** The in-memory layer as a layer over the network (Redis) looks: not local, vouching for what `vouches` says. */
function asNetwork(layer: MemoryGroupLayer, vouches?: (event: RoomEvent) => boolean): GroupLayer {
  return {
    ...layer,
    local: false,
    listen: layer.listen,
    subscribe: layer.subscribe,
    publish: layer.publish,
    subscriberCount: layer.subscriberCount,
    ...(vouches ? { vouches } : {}),
  };
}

async function store(n: number): Promise<Message[]> {
  const out = [];
  for (let i = 0; i < n; i++) out.push((await appendMessage(db, { room: "r", sender: ann, text: `t${i}` })).message);
  return out;
}
const publish = (m: Message) =>
  groups.publish(roomGroup("r"), { type: "entry", room: "r", entry: { kind: "message", seq: m.seq, message: m } });
const confirm = async (event: EntryEvent) =>
  (await entriesBetween(db, { room: event.room, after: event.entry.seq - 1, upTo: event.entry.seq }))[0] ?? null;
const map = (e: RoomEntry) => e;

/** Room "r"'s stream for `seat`, on this file's database, layer and relays unless `over` says otherwise. */
const openFor = (seat: LiveSeat, over: Partial<RoomStreamOptions<RoomEntry>> = {}) =>
  openRoomStream({
    db,
    groups,
    relays,
    room: "r",
    after: undefined,
    signal: abort.signal,
    map,
    confirm,
    seat,
    ...over,
  });

/** A channel whose seats record, per subscriber, what reached it through the channel. */
function fakeChannel() {
  const joined = new Map<string, Set<{ got: number[]; rider: LiveRider }>>();
  const channel: LiveChannel = {
    publish(key, value) {
      for (const seat of joined.get(key) ?? []) seat.got.push((value as RoomEntry).seq);
    },
  };
  return {
    channel,
    /**
     * A subscriber: its seat, everything it was given (stream values and channel
     * values, as they came), and `read(stream)`, which reads its stream and every
     * stream a hand-back resumes it with; it settles when the subscription ends
     * (not while it rides), rejecting with what a stream failed with.
     */
    subscriber() {
      const got: number[] = [];
      let me: { got: number[]; rider: LiveRider } | null = null;
      let key = "";
      let reading = 0;
      const ended = Promise.withResolvers<void>();
      const control = { refuse: false, riding: () => me !== null, behind: () => me?.rider.behind() };
      const read = async (stream: AsyncIterator<unknown>) => {
        reading++;
        try {
          for (let next = await stream.next(); !next.done; next = await stream.next())
            got.push((next.value as RoomEntry).seq);
        } catch (error) {
          ended.reject(error);
        } finally {
          if (--reading === 0 && !me) ended.resolve();
        }
      };
      const seat: LiveSeat = {
        channel,
        join(k, rider) {
          if (control.refuse || me) return false;
          key = k;
          me = { got, rider };
          if (!joined.has(k)) joined.set(k, new Set());
          joined.get(k)!.add(me);
          return true;
        },
        leave() {
          if (me) joined.get(key)?.delete(me);
          me = null;
        },
        resume(stream) {
          void read(stream);
        },
      };
      return {
        seat,
        got,
        control,
        read(stream: AsyncIterator<unknown>) {
          void read(stream);
          return ended.promise;
        },
      };
    },
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("live relay", () => {
  test("a caught-up subscriber rides at once, before the room's next entry: entries come through the channel once each, none through its stream", async () => {
    const { subscriber } = fakeChannel();
    const a = subscriber();
    const stream = await openFor(a.seat);
    const done = a.read(stream);
    // The relay knows the room's newest seq (read when the stream opened): it rides before any entry.
    await waitFor(() => a.control.riding(), "the subscriber to ride");
    // Its own group subscription is released while it rides; the relay's listener is the one left.
    await waitFor(() => groups.subscriberCount(roomGroup("r")) === 1, "its own subscription released");
    for (const m of await store(4)) await publish(m);
    expect(a.got).toEqual([1, 2, 3, 4]);
    abort.abort();
    await done;
    expect(a.control.riding()).toBe(false);
    expect(groups.subscriberCount(roomGroup("r"))).toBe(0);
  });

  test("a replay from the start, with entries published meanwhile, switches to the channel with no gap and no duplicate", async () => {
    const { subscriber } = fakeChannel();
    await store(250);
    const a = subscriber();
    const stream = await openFor(a.seat, { after: 0 });
    const done = a.read(stream);
    for (const m of await store(30)) {
      await publish(m);
      await Bun.sleep(0);
    }
    await waitFor(() => a.got.length >= 280, "every entry");
    expect(a.got).toEqual(range(1, 280));
    const [m] = await store(1);
    await publish(m!);
    expect(a.control.riding()).toBe(true);
    expect(a.got).toEqual(range(1, 281));
    abort.abort();
    await done;
  });

  test("an entry out of order (several writers) hands the riders back; they fill the gap from the database and ride again", async () => {
    const { subscriber } = fakeChannel();
    const a = subscriber();
    const b = subscriber();
    const streams = await Promise.all([a, b].map((s) => openFor(s.seat)));
    const done = Promise.all([a.read(streams[0]!), b.read(streams[1]!)]);
    const [m1] = await store(1);
    await publish(m1!);
    await waitFor(() => a.control.riding() && b.control.riding(), "both to ride");
    const [m2, m3] = await store(2);
    await publish(m3!); // 2 is stored, its publish comes late
    expect(a.control.riding() || b.control.riding()).toBe(false);
    await publish(m2!);
    await waitFor(() => a.got.length >= 3 && b.got.length >= 3, "the gap filled");
    const [m4] = await store(1);
    await publish(m4!);
    await waitFor(() => a.control.riding() && b.control.riding(), "both to ride again");
    const [m5] = await store(1);
    await publish(m5!);
    for (const s of [a, b]) expect(s.got).toEqual([1, 2, 3, 4, 5]);
    abort.abort();
    await done;
  });

  test("a rider whose transport takes it off (behind) goes on through its own stream from what the channel gave it", async () => {
    const { subscriber } = fakeChannel();
    const a = subscriber();
    const stream = await openFor(a.seat);
    const done = a.read(stream);
    const stored: Message[] = [];
    const next = async () => {
      const [m] = await store(1);
      stored.push(m!);
      await publish(m!);
    };
    await next();
    await waitFor(() => a.control.riding(), "the subscriber to ride");
    await next();
    a.control.refuse = true; // its socket stays behind for now
    a.control.behind();
    expect(a.control.riding()).toBe(false);
    for (let i = 0; i < 4; i++) await next();
    await waitFor(() => a.got.length >= 6, "entries through its own stream");
    a.control.refuse = false;
    await next();
    await waitFor(() => a.control.riding(), "riding again");
    await next();
    expect(a.got).toEqual(range(1, 8));
    abort.abort();
    await done;
  });

  test("stopping a rider's stream (a revocation, the client leaving) ends it at once and takes it off the channel", async () => {
    const { subscriber } = fakeChannel();
    const a = subscriber();
    const stream = await openFor(a.seat, { ending: { error: () => new Error("revoked"), end() {} } });
    const done = a.read(stream);
    const [m1] = await store(1);
    await publish(m1!);
    await waitFor(() => a.control.riding() && a.got.length === 1, "the subscriber to ride");
    abort.abort();
    expect(a.control.riding()).toBe(false);
    await expect(done).rejects.toThrow("revoked");
    const [m2] = await store(1);
    await publish(m2!);
    expect(a.got).toEqual([1]);
    expect(groups.subscriberCount(roomGroup("r"))).toBe(0);
  });

  test("a stream stopped before it is first read (its generator never runs) releases the relay and ends all the same", async () => {
    const { subscriber } = fakeChannel();
    const a = subscriber();
    let ended = 0;
    const stream = await openFor(a.seat, { ending: { error: () => undefined, end: () => ended++ } });
    expect(groups.subscriberCount(roomGroup("r"))).toBe(2);
    abort.abort();
    // As the transport ends a stream stopped before its first read: `return()` skips an unstarted generator's `finally`.
    await stream.return(undefined);
    expect(groups.subscriberCount(roomGroup("r"))).toBe(0);
    expect(ended).toBe(1);
  });

  test("from the network (Redis), the relay passes on only what the database holds: a forged event reaches no rider", async () => {
    const untrusted = asNetwork(groups);
    const networkRelays = createLiveRelays(untrusted, confirm);
    const { subscriber } = fakeChannel();
    const a = subscriber();
    const stream = await openFor(a.seat, { groups: untrusted, relays: networkRelays });
    const done = a.read(stream);
    const [m1] = await store(1);
    await publish(m1!);
    await waitFor(() => a.control.riding(), "the subscriber to ride");
    // Never stored: 2 is a forgery.
    await groups.publish(roomGroup("r"), {
      type: "entry",
      room: "r",
      entry: { kind: "message", seq: 2, message: { ...m1!, seq: 2, text: "forged" } },
    });
    const [m2, m3] = await store(2);
    await publish(m2!);
    await publish(m3!);
    await waitFor(() => a.got.length >= 3, "the stored entries");
    expect(a.got).toEqual([1, 2, 3]);
    expect(a.control.riding()).toBe(true);
    // A lag (Redis reconnected) hands it back; it catches up from the database and rides again.
    groups.lagAll();
    expect(a.control.riding()).toBe(false);
    const [m4] = await store(1);
    await publish(m4!);
    await waitFor(() => a.control.riding(), "riding again");
    const [m5] = await store(1);
    await publish(m5!);
    await waitFor(() => a.got.length >= 5, "every entry");
    expect(a.got).toEqual([1, 2, 3, 4, 5]);
    abort.abort();
    await done;
  });

  test("from the network, an entry the layer vouches for (signed by a process of ours) is passed on unconfirmed, behind one still being confirmed", async () => {
    const vouched = new WeakSet<object>();
    const network = asNetwork(groups, (event) => vouched.has(event));
    // Confirmations wait for `release`: entry 2's is still pending when 3 arrives, vouched for.
    const release = Promise.withResolvers<void>();
    let confirmed = 0;
    const slow = async (event: EntryEvent) => {
      confirmed++;
      await release.promise;
      return confirm(event);
    };
    const networkRelays = createLiveRelays(network, slow);
    const { subscriber } = fakeChannel();
    const a = subscriber();
    const stream = await openFor(a.seat, { groups: network, relays: networkRelays, confirm: slow });
    const done = a.read(stream);
    const [m1, m2, m3] = await store(3);
    const signed = (m: Message) => {
      const event: EntryEvent = { type: "entry", room: "r", entry: { kind: "message", seq: m.seq, message: m } };
      vouched.add(event);
      return groups.publish(roomGroup("r"), event);
    };
    await signed(m1!);
    await waitFor(() => a.control.riding() && a.got.length === 1, "the subscriber to ride, given 1");
    const before = confirmed;
    await publish(m2!);
    await signed(m3!);
    // Nothing overtakes 2 (passing 3 first would hand the rider back to read 2 and 3 from the database at once).
    await quietFor(100, () => a.got.length, "what the rider was given");
    expect(a.got).toEqual([1]);
    expect(a.control.riding()).toBe(true);
    release.resolve();
    await waitFor(() => a.got.length >= 3, "2 and 3");
    expect(a.got).toEqual([1, 2, 3]);
    expect(a.control.riding()).toBe(true);
    expect(confirmed - before).toBe(1);
    abort.abort();
    await done;
  });

  test("from the network, a burst of entries is confirmed with one range read and passed on in arrival order; a huge forged seq among them is read apart and dropped", async () => {
    const untrusted = asNetwork(groups);
    const reads: [number, number][] = [];
    const batched = createEntryConfirmer({
      read: (room, after, upTo) => {
        reads.push([after, upTo]);
        return entriesBetween(db, { room, after, upTo });
      },
    });
    const networkRelays = createLiveRelays(untrusted, batched);
    const { subscriber } = fakeChannel();
    const a = subscriber();
    const stream = await openFor(a.seat, { groups: untrusted, relays: networkRelays, confirm: batched });
    const done = a.read(stream);
    const [m1] = await store(1);
    await publish(m1!);
    await waitFor(() => a.control.riding() && a.got.length === 1, "the subscriber to ride, given 1");
    reads.length = 0;
    // 40 stored entries arrive in one turn, a forgery claiming seq 10^13 in the middle of them.
    const burst = await store(40);
    for (const m of burst.slice(0, 20)) void publish(m);
    void groups.publish(roomGroup("r"), {
      type: "entry",
      room: "r",
      entry: { kind: "message", seq: 1e13, message: { ...m1!, seq: 1e13, text: "forged" } },
    });
    for (const m of burst.slice(20)) void publish(m);
    await waitFor(() => a.got.length >= 41, "the burst");
    expect(a.got).toEqual(range(1, 41));
    expect(a.control.riding()).toBe(true);
    // One read for the 40 (seqs 2…41), one of its own for the forged seq: not one per entry, and no scan up to 10^13.
    expect(reads.sort((x, y) => x[0] - y[0])).toEqual([
      [1, 41],
      [1e13 - 1, 1e13],
    ]);
    abort.abort();
    await done;
  });
});
