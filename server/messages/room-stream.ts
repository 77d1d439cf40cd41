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

export interface RoomStreamOptions {
  db: Db;
  groups: GroupLayer;
  room: RoomName;
  /** Resume after this seq; undefined: start with the next message sent. */
  after: number | undefined;
  signal: AbortSignal;
}

/**
 * Subscribes and reads the room's newest seq, then returns the stream. Await it
 * before the subscription counts as started: a group layer that subscribes over
 * the network (Redis) is live only once this resolves, and a message stored after
 * it is one the caller must see.
 */
export async function openRoomStream({ db, groups, room, after, signal }: RoomStreamOptions): Promise<AsyncGenerator<Message>> {
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
  return follow({ db, room, signal, iterator, last: after ?? newest });
}

async function* follow({ db, room, signal, iterator, last }: { db: Db; room: RoomName; signal: AbortSignal; iterator: AsyncIterator<Delivery>; last: number }): AsyncGenerator<Message> {
  try {
    /** Everything stored after `last`, up to `upTo`, oldest first. */
    async function* catchUp(upTo?: number): AsyncGenerator<Message> {
      while (!signal.aborted) {
        const batch = await messagesAfter(db, { room, after: last, upTo, limit: REPLAY_BATCH });
        for (const m of batch) {
          last = m.seq;
          yield m;
        }
        if (batch.length < REPLAY_BATCH) return;
      }
    }

    yield* catchUp();
    while (!signal.aborted) {
      const next = await iterator.next();
      if (next.done) return;
      const event = next.value;
      if (event.type === "lagged") {
        yield* catchUp();
        continue;
      }
      if (event.type !== "message") continue;
      const m = event.message;
      if (m.seq <= last) continue;
      if (m.seq > last + 1) yield* catchUp(m.seq - 1);
      last = m.seq;
      yield m;
    }
  } finally {
    await iterator.return?.();
  }
}
