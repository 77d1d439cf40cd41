/**
 * A room's messages for one subscriber, from a point in its log onwards, with
 * no gap and no duplicate. The order of operations is the whole trick:
 *   1. subscribe to the group (from now on nothing published is missed),
 *   2. replay from the database what is stored after the resume point,
 *   3. pass live events on, dropping seqs already sent; a jump in seq (a writer
 *      that published late, or a queue that lagged) is filled from the database.
 */
import { TRPCError } from "@trpc/server";
import type { Db } from "../../db/index.ts";
import { type Message, type RoomName, roomGroup } from "../../shared/schemas.ts";
import type { Delivery, GroupLayer } from "../groups/group-layer.ts";
import { lastSeq, messagesAfter } from "./repository.ts";

const REPLAY_BATCH = 500;

export interface RoomStreamOptions<T = Message> {
  db: Db;
  groups: GroupLayer;
  room: RoomName;
  /** Resume after this seq; undefined: start with the next message sent. */
  after: number | undefined;
  signal: AbortSignal;
  /**
   * What the stream yields for each message (the router wraps it for tRPC), so
   * a subscriber's events pass through one generator, not one per layer.
   */
  map?: (message: Message) => T;
  /** Called once when the stream ends, however it ends. */
  onEnd?: () => void;
}

/**
 * Subscribes and reads the room's newest seq, then returns the stream. Await it
 * before the subscription counts as started: a group layer that subscribes over
 * the network (Redis) is live only once this resolves, and a message stored after
 * it is one the caller must see.
 */
export async function openRoomStream<T = Message>({ db, groups, room, after, signal, map, onEnd }: RoomStreamOptions<T>): Promise<AsyncGenerator<T>> {
  const live = await groups.subscribe(roomGroup(room), { signal });
  const iterator = live[Symbol.asyncIterator]();
  let newest: number;
  try {
    newest = await lastSeq(db, room);
    // Fail closed: a resume point past the end is forged or from another database.
    if (after !== undefined && after > newest) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `'lastEventId' ${after} is past the newest message of room '${room}' (${newest}).` });
    }
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
  const state: Follow<T> = { db, room, signal, iterator, last: after ?? newest, map: map ?? (identity as (m: Message) => T), onEnd };
  return follow(state);
}

const identity = (m: Message) => m;

/** One subscriber's position in the room; `last` is the newest seq it has been given. */
interface Follow<T> {
  db: Db;
  room: RoomName;
  signal: AbortSignal;
  iterator: AsyncIterator<Delivery>;
  last: number;
  map: (message: Message) => T;
  onEnd: (() => void) | undefined;
}

async function* follow<T>(s: Follow<T>): AsyncGenerator<T> {
  try {
    yield* catchUp(s);
    while (!s.signal.aborted) {
      const next = await s.iterator.next();
      if (next.done) return;
      const event = next.value;
      if (event.type === "lagged") {
        yield* catchUp(s);
        continue;
      }
      if (event.type !== "message") continue;
      const m = event.message;
      if (m.seq <= s.last) continue;
      if (m.seq > s.last + 1) yield* catchUp(s, m.seq - 1);
      s.last = m.seq;
      yield s.map(m);
    }
  } finally {
    try {
      await s.iterator.return?.();
    } finally {
      s.onEnd?.();
    }
  }
}

/** Everything stored after `s.last`, up to `upTo`, oldest first. */
async function* catchUp<T>(s: Follow<T>, upTo?: number): AsyncGenerator<T> {
  while (!s.signal.aborted) {
    const batch = await messagesAfter(s.db, { room: s.room, after: s.last, upTo, limit: REPLAY_BATCH });
    for (const m of batch) {
      s.last = m.seq;
      yield s.map(m);
    }
    if (batch.length < REPLAY_BATCH) return;
  }
}
