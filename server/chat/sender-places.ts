/**
 * Each sender's newest `sender_index` in a room (their place among their own
 * messages there), which every new message continues. Read from the database
 * it is an index probe per sender and batch (on SQLite about as much as
 * inserting their message; on PostgreSQL a round trip); this process
 * remembers what its last commit to the room left, and trusts it only while
 * the room's `last_seq`, read under the row's lock, is still the one that
 * commit left: any entry since (a message, an edit, a membership change, from
 * any process) moved it, and the places are read again. Remembered only after
 * the commit, so a rolled-back batch leaves nothing behind.
 */
import { SqliteAdapter } from "kysely";
import type { Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";

/** The sender's latest place among their messages in the room (0 before their first). */
const lastSenderIndex = prepare((db, room: string, senderId: number) =>
  db
    .selectFrom("message")
    .select("sender_index")
    .where("room", "=", room)
    .where("sender_id", "=", senderId)
    .orderBy("seq", "desc")
    .limit(1),
);

interface Remembered {
  /** The room's `last_seq` when the places were right. */
  lastSeq: number;
  places: Map<number, number>;
}

/** By database (its Kysely adapter, shared by its transactions), by room. */
const byDb = new WeakMap<object, Map<string, Remembered>>();
/** Rooms remembered at most per database; past it, it starts over (a miss only costs the probes). */
const MAX_ROOMS = 10_000;

const roomsOf = (db: Db) => {
  const adapter = db.getExecutor().adapter;
  let rooms = byDb.get(adapter);
  if (!rooms) byDb.set(adapter, (rooms = new Map()));
  return rooms;
};

/**
 * The senders' newest places in the room, `lastSeqBefore` being its `last_seq`
 * before this batch (under the lock): remembered ones if nothing was appended
 * since this process's last commit there, the others read. A new map: the
 * caller moves it on as it inserts.
 */
export async function senderPlaces(
  trx: Db,
  room: string,
  senderIds: readonly number[],
  lastSeqBefore: number,
): Promise<Map<number, number>> {
  const remembered = roomsOf(trx).get(room);
  const places = new Map(remembered?.lastSeq === lastSeqBefore ? remembered.places : []);
  const missing = senderIds.filter((id) => !places.has(id));
  if (missing.length) for (const [id, place] of await readPlaces(trx, room, missing)) places.set(id, place);
  return places;
}

/** After the commit: the room's `last_seq` it left, and the places then. */
export function rememberPlaces(db: Db, room: string, lastSeq: number, places: Map<number, number>): void {
  const rooms = roomsOf(db);
  if (rooms.size >= MAX_ROOMS && !rooms.has(room)) rooms.clear();
  rooms.set(room, { lastSeq, places });
}

/**
 * Read after the lock (0 for none yet): one prepared probe per sender in
 * process; over a network, for several, one statement (one indexed probe per
 * sender, joined with UNION ALL: a round trip per sender made a busy room on
 * PostgreSQL wait on the network).
 */
async function readPlaces(trx: Db, room: string, senderIds: number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>(senderIds.map((id) => [id, 0]));
  if (senderIds.length === 1 || trx.getExecutor().adapter instanceof SqliteAdapter) {
    for (const id of senderIds)
      found.set(id, Number((await lastSenderIndex(trx, room, id)).rows[0]?.sender_index ?? 0));
    return found;
  }
  const newest = (id: number) =>
    trx
      .selectFrom((eb) =>
        eb
          .selectFrom("message")
          .select(["sender_id", "sender_index"])
          .where("room", "=", room)
          .where("sender_id", "=", id)
          .orderBy("seq", "desc")
          .limit(1)
          .as("newest"),
      )
      .selectAll();
  let query = newest(senderIds[0]!);
  for (const id of senderIds.slice(1)) query = query.unionAll(newest(id));
  for (const r of await query.execute()) found.set(Number(r.sender_id), Number(r.sender_index ?? 0));
  return found;
}
