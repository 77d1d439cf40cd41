/**
 * A room's log for one subscriber, from a point onwards, with no gap and no
 * duplicate. The order of operations is the whole trick:
 *   1. subscribe to the group (from now on nothing published is missed),
 *   2. replay from the database what is stored after the resume point,
 *   3. pass live entries on, dropping seqs already sent; a jump in seq (a writer
 *      that published late, or a queue that lagged) is filled from the database.
 * Replay reads the database a range of seqs at a time and, between ranges, waits
 * for the subscriber's socket to drain (`pace`): a resume from "0" on a huge
 * room holds one batch in memory, not the room. A range is sized in bytes as well
 * as in seqs, and what has been handed on is dropped from it at once: nothing a
 * stream has delivered stays reachable from it (a caught-up stream of long
 * messages would otherwise keep its last batch for as long as it lives).
 * A subscriber that has caught up may ride the room's live relay (live-relay.ts)
 * instead of its own queue: then the transport delivers each entry to all such
 * subscribers at once, its stream ends (the generator, its group subscription
 * and its waits are dropped), and what is left of it is its Rider, a record in
 * the relay. When riding stops, the Rider makes it a new stream from the seq it
 * was handed back with and gives it to the transport (LiveSeat.resume).
 */
import type { Db } from "../../db/index.ts";
import { isStorageUnavailable } from "../../db/unavailable.ts";
import { type EntryEvent, MESSAGE_TEXT_MAX, type RoomEntry, type RoomName, roomGroup } from "../../shared/schemas.ts";
import { InvalidRequestError } from "../errors/domain-errors.ts";
import { type Delivery, type GroupLayer, trustedEvent } from "../groups/group-layer.ts";
import type { LiveSeat } from "../groups/live-channel.ts";
import { REPLAY_BATCH, REPLAY_STEP_BYTES } from "../limits/defaults.ts";
import type { LiveRelay, LiveRelays, RelayHold, Rider } from "./live-relay.ts";
import { entriesBetween, lastSeq } from "./log-reader.ts";
import { waitOutStorage } from "./wait-out-storage.ts";

/** What an entry's fixed fields (seq, sender, dates, the frame around it) weigh, roughly. */
const ENTRY_FIELDS_BYTES = 256;

/** Roughly what an entry weighs in memory and on the wire: its text (two bytes a UTF-16 unit) and its fixed fields. */
export function entryWeight(entry: RoomEntry): number {
  const text = entry.kind === "message" ? entry.message.text : entry.kind === "edit" ? entry.text : "";
  return ENTRY_FIELDS_BYTES + 2 * text.length;
}

/** Seqs a first step reads, knowing nothing of the room yet: as many of the longest entries (2 UTF-16 units a character) as fit. */
const FIRST_STEP = Math.floor(REPLAY_STEP_BYTES / (ENTRY_FIELDS_BYTES + 4 * MESSAGE_TEXT_MAX));

/** The subscriber's pace for replays (the connection: ConnectionState.replayBatch). */
export interface StreamPacer {
  replayBatch(): Promise<() => void>;
}

/** The stream's end, as its owner sees it (the router's StreamGuard). */
export interface StreamEnding {
  /** Asked when `signal` has stopped the stream: an error to end it with (e.g. access revoked), or undefined to end quietly. */
  error(): Error | undefined;
  /** Called once the stream has ended, however it ended (not while it rides: it has not ended then). */
  end(): void;
}

export interface RoomStreamOptions<T> {
  db: Db;
  groups: GroupLayer;
  room: RoomName;
  /** Resume after this seq; undefined: start with the next entry stored. */
  after: number | undefined;
  signal: AbortSignal;
  /** What the stream yields for each entry (the router wraps it for tRPC), so one generator serves each subscriber. */
  map: (entry: RoomEntry) => T;
  /**
   * The stored entry a live event claims to be, or null when the database does
   * not hold it (a forged or corrupt event). Called only for group layers whose
   * events may come from outside this process; shared by the process's subscribers,
   * and answered in batches (entry-confirmer.ts).
   */
  confirm: (event: EntryEvent) => Promise<RoomEntry | null>;
  /**
   * Its `replayBatch()` is awaited before each batch read from the database:
   * resolves, with its release, when the subscriber may hold another batch (its
   * socket has drained, and no other replay of its connection holds one). The
   * release is called once the batch has been handed on. (An object, not a
   * callback: a stream holds it for its life, and a bound function weighs more.)
   */
  pacer?: StreamPacer | undefined;
  /** How the stream ends: what ends it with an error once `signal` has stopped it, and who hears that it ended. */
  ending?: StreamEnding | undefined;
  /** The transport's side of this subscription, when it can deliver through a shared channel (see live-relay.ts). */
  seat?: LiveSeat | undefined;
  /** The process's live relays (with `seat`). */
  relays?: LiveRelays | undefined;
}

/**
 * Subscribes and reads the room's newest seq, then returns the stream. Await it
 * before the subscription counts as started: a group layer that subscribes over
 * the network (Redis) is live only once this resolves, and an entry stored after
 * it is one the caller must see.
 */
export async function openRoomStream<T>(opts: RoomStreamOptions<T>): Promise<AsyncGenerator<T>> {
  const { db, groups, room, after, signal, seat, relays } = opts;
  const held = seat && relays ? relays.acquire(room, seat.channel) : null;
  let iterator: AsyncIterator<Delivery> | undefined;
  let newest: number;
  try {
    iterator = (await groups.subscribe(roomGroup(room), { signal }))[Symbol.asyncIterator]();
    newest = await lastSeq(db, room);
    // Read after the relay listens: what comes after `newest` reaches the relay.
    held?.relay.seed(newest);
    // Fail closed: a resume point past the end is forged or from another database.
    if (after !== undefined && after > newest) {
      throw new InvalidRequestError(`'lastEventId' ${after} is past the newest entry of room '${room}' (${newest}).`);
    }
  } catch (error) {
    try {
      await iterator?.return?.();
    } finally {
      held?.release();
    }
    throw error;
  }
  const follower = new Follower(opts, iterator, after ?? newest, held);
  // A stream stopped before it is first read may never run (`return()` skips an unstarted
  // generator's `finally`): the stop itself releases what it holds then.
  if (signal.aborted) follower.ended();
  else signal.addEventListener("abort", follower, { once: true });
  return follow(follower, newest);
}

/**
 * One subscriber's position in the room (`last`: the newest seq it has been
 * given) and what its stream needs; while it rides the relay, all that is left
 * of it (a Rider, see live-relay.ts). One object with its fields, not a copy
 * of the options: it lives as long as the subscription.
 */
class Follower<T> implements Rider {
  readonly db: Db;
  readonly groups: GroupLayer;
  readonly room: RoomName;
  readonly signal: AbortSignal;
  readonly map: (entry: RoomEntry) => T;
  readonly confirm: (event: EntryEvent) => Promise<RoomEntry | null>;
  readonly pacer: StreamPacer | undefined;
  readonly ending: StreamEnding | undefined;
  readonly seat: LiveSeat | undefined;
  /** Read at least once: its stream's `finally` releases what it holds. */
  started = false;

  constructor(
    opts: RoomStreamOptions<T>,
    /** Its own subscription to the room's group; undefined while it rides. */
    public iterator: AsyncIterator<Delivery> | undefined,
    public last: number,
    /** The room's live relay, when this subscription has a seat to ride it with. */
    readonly hold: RelayHold | null,
  ) {
    this.db = opts.db;
    this.groups = opts.groups;
    this.room = opts.room;
    this.signal = opts.signal;
    this.map = opts.map;
    this.confirm = opts.confirm;
    this.pacer = opts.pacer;
    this.ending = opts.ending;
    this.seat = opts.seat;
  }

  get relay(): LiveRelay | null {
    return this.hold?.relay ?? null;
  }
  /** Taken off by the transport (behind). */
  behind(): void {
    this.hold?.relay.handBack(this);
  }

  /** Its stream stopped (revoked, unsubscribed, closed): handed back if it rode; released if its stream never ran. */
  handleEvent(): void {
    this.hold?.relay.handBack(this);
    if (!this.started) this.ended();
  }

  /** Handed back: a stream of its own again, from what the channel gave it. */
  handedBack(last: number): void {
    this.last = last;
    this.seat?.resume(follow(this, undefined));
  }

  /** The stream has ended (not riding): what it held is released, once. */
  ended(): void {
    this.hold?.release();
    this.ending?.end();
  }
}

/**
 * `newest`: the room's newest seq, read once subscribed; the first replay goes up
 * to it (later entries arrive live). Undefined: handed back by the relay, the
 * stream subscribes again and catches up from `s.last`. Ends without a word
 * when it starts riding (the relay then holds the Follower).
 */
async function* follow<T>(s: Follower<T>, newest: number | undefined): AsyncGenerator<T> {
  let riding = false;
  s.started = true;
  try {
    if (newest === undefined) {
      // Subscribed again before reading the database, as at the start: nothing falls in between.
      if (!s.signal.aborted) {
        s.iterator = (await s.groups.subscribe(roomGroup(s.room), { signal: s.signal }))[Symbol.asyncIterator]();
        yield* catchUp(s);
      }
    } else if (s.last < newest) yield* replay(s, newest);
    while (!s.signal.aborted && s.iterator) {
      const relay = s.relay;
      // Events from the network: the relay confirms them as this stream does, a few steps later; let it catch up.
      const settling = relay && (relay.last ?? -1) < s.last ? relay.settling() : null;
      if (settling) await settling;
      // Given exactly what the relay has passed on: from here the relay carries it, and this stream ends.
      if (relay && s.seat && !s.signal.aborted && relay.last === s.last && relay.ride(s.last, s)) {
        riding = true;
        return;
      }
      const next = await s.iterator.next();
      if (next.done) break;
      const event = next.value;
      if (event.type === "lagged") {
        yield* catchUp(s);
        continue;
      }
      if (event.type !== "entry" || event.room !== s.room || event.entry.seq <= s.last) continue;
      const entry = trustedEvent(s.groups, event)
        ? event.entry
        : await waitOutStorage(() => s.confirm(event), s.signal);
      // Stopped while confirming (access revoked meanwhile): nothing more is given.
      if (!entry || s.signal.aborted) continue;
      // A jump: the entries before it were committed first, so the database has them.
      if (entry.seq > s.last + 1) yield* catchUp(s, entry.seq - 1);
      if (entry.seq <= s.last || s.signal.aborted) continue;
      s.last = entry.seq;
      yield s.map(entry);
    }
    const error = s.signal.aborted ? s.ending?.error() : undefined;
    if (error) throw error;
  } catch (error) {
    // Stopped while waiting out a database outage (waitOutStorage): end as a stop ends, not with the outage.
    if (!s.signal.aborted || !isStorageUnavailable(error)) throw error;
    const stopped = s.ending?.error();
    if (stopped) throw stopped;
  } finally {
    // What our own queue would get, the seat gets now: dropped while riding (a hand-back subscribes anew).
    const iterator = s.iterator;
    s.iterator = undefined;
    try {
      await iterator?.return?.();
    } finally {
      // Riding: the relay holds the Follower, which ends (and releases) through the stream it resumes.
      if (!riding) s.ended();
    }
  }
}

/** Everything stored after `s.last`, up to `upTo` and never past the room's newest seq, oldest first. */
async function* catchUp<T>(s: Follower<T>, upTo?: number): AsyncGenerator<T> {
  const newest = await waitOutStorage(() => lastSeq(s.db, s.room), s.signal);
  yield* replay(s, upTo === undefined ? newest : Math.min(upTo, newest));
}

/**
 * Everything stored after `s.last` up to `end` (a seq the room has reached), oldest
 * first, in steps of at most REPLAY_BATCH seqs and REPLAY_STEP_BYTES (plus one
 * entry). Each step reads as many seqs as the heaviest entry of the step before
 * says fit; entries read past the step's bytes are dropped and read again by the next.
 */
async function* replay<T>(s: Follower<T>, end: number): AsyncGenerator<T> {
  let seqs = FIRST_STEP;
  while (!s.signal.aborted && s.last < end) {
    const release = s.pacer ? await s.pacer.replayBatch() : undefined;
    try {
      const batchEnd = Math.min(end, s.last + seqs);
      const batch = await waitOutStorage(
        () => entriesBetween(s.db, { room: s.room, after: s.last, upTo: batchEnd }),
        s.signal,
      );
      let bytes = 0;
      let heaviest = 0;
      // Taken out of the batch as each is handed on: the stream keeps nothing it has delivered.
      batch.reverse();
      for (let entry = batch.pop(); entry !== undefined; entry = batch.pop()) {
        if (s.signal.aborted) return;
        const weight = entryWeight(entry);
        if (weight > heaviest) heaviest = weight;
        s.last = entry.seq;
        yield s.map(entry);
        bytes += weight;
        if (bytes >= REPLAY_STEP_BYTES) break;
      }
      // Gapless: a range handed on whole is read whole, even where it held nothing visible.
      if (batch.length === 0) s.last = Math.max(s.last, batchEnd);
      batch.length = 0;
      seqs = Math.min(REPLAY_BATCH, Math.max(1, Math.floor(REPLAY_STEP_BYTES / Math.max(1, heaviest))));
    } finally {
      release?.();
    }
  }
}
