/**
 * Reading a room's log: history (messages in their current state, newest
 * first, by seq cursors), the entries of a seq range (what a resuming
 * subscriber missed: messages as sent merged with the changes), the newest seq,
 * and the active rooms. The hot queries are prepared (db/prepared.ts).
 */
import type { Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";
import { createSharedReads, type SharedReads } from "../../db/shared-reads.ts";
import type { Message, RoomEntry, RoomName, RoomSummary } from "../../shared/schemas.ts";
import { withAttachments } from "../files/repository.ts";
import { asSent, type ChangeRow, type MessageRow, messages, toChangeEntry, toMessage } from "./log-rows.ts";

/** The message at `seq` of `room` (its row: a writer also needs its sender's id and original text). */
export const messageAt = prepare((db, room: string, seq: number) =>
  messages(db).where("message.room", "=", room).where("message.seq", "=", seq),
);

// One extra row tells whether an older page exists without a count. On a SQLite file, pages are read
// on its read connection: they never wait behind a write transaction (the search indexer's, the writer's).
const newestPage = prepare(
  (db, room: string, rows: number) =>
    messages(db).where("message.room", "=", room).orderBy("message.seq", "desc").limit(rows),
  { onReader: true },
);
const pageBefore = prepare(
  (db, room: string, before: number, rows: number) =>
    messages(db)
      .where("message.room", "=", room)
      .where("message.seq", "<", before)
      .orderBy("message.seq", "desc")
      .limit(rows),
  { onReader: true },
);

const messagesInRange = prepare((db, room: string, afterSeq: number, upTo: number) =>
  messages(db)
    .where("message.room", "=", room)
    .where("message.seq", ">", afterSeq)
    .where("message.seq", "<=", upTo)
    .orderBy("message.seq", "asc"),
);
/** Changes and membership entries, with their actor's name. */
const changeRows = (db: Db) =>
  db
    .selectFrom("room_entry")
    .innerJoin("user", "user.id", "room_entry.actor_id")
    .select([
      "room_entry.seq",
      "room_entry.kind",
      "room_entry.target",
      "user.username as actor",
      "room_entry.data",
      "room_entry.created_at",
    ]);
const changesInRange = prepare((db, room: string, afterSeq: number, upTo: number) =>
  changeRows(db)
    .where("room_entry.room", "=", room)
    .where("room_entry.seq", ">", afterSeq)
    .where("room_entry.seq", "<=", upTo)
    .orderBy("room_entry.seq", "asc"),
);

const roomLastSeq = prepare((db, room: string) => db.selectFrom("room").select("last_seq").where("name", "=", room));

/** The message at `seq` of `room` in its current state; null if there is none. */
export async function findMessage(db: Db, room: RoomName, seq: number): Promise<Message | null> {
  const { rows } = await messageAt(db, room, seq);
  return rows[0] ? (await withAttachments(db, [toMessage(rows[0])]))[0]! : null;
}

/** A page of history, newest first; `nextCursor` is the `before` of the next older page. */
export async function historyPage(
  db: Db,
  q: { room: RoomName; before?: number | undefined; limit: number },
): Promise<{ messages: Message[]; nextCursor: number | null }> {
  const { rows } =
    q.before === undefined
      ? await newestPage(db, q.room, q.limit + 1)
      : await pageBefore(db, q.room, q.before, q.limit + 1);
  const more = rows.length > q.limit;
  const page = await withAttachments(db, rows.slice(0, q.limit).map(toMessage));
  return { messages: page, nextCursor: more ? page[page.length - 1]!.seq : null };
}

/**
 * The log's entries with `after < seq ≤ upTo`, oldest first: what a resuming
 * subscriber missed. Keep ranges short (the room stream reads in batches).
 */
export async function entriesBetween(db: Db, q: { room: RoomName; after: number; upTo: number }): Promise<RoomEntry[]> {
  if (q.upTo <= q.after) return [];
  const [sent, changes] = await Promise.all([
    messagesInRange(db, q.room, q.after, q.upTo),
    changesInRange(db, q.room, q.after, q.upTo),
  ]);
  return withEntryAttachments(db, merged(sent.rows, changes.rows));
}

export interface SeqRange {
  room: RoomName;
  after: number;
  upTo: number;
}

/**
 * The entries of several ranges (of one room or many), each list as
 * `entriesBetween` gives it: three statements in all, however many ranges. What
 * a process confirms per event-loop turn from Redis spans many rooms when many
 * are busy: one read per room would cost a round trip (three) each.
 */
export async function entriesOfRanges(db: Db, ranges: readonly SeqRange[]): Promise<RoomEntry[][]> {
  const wanted = ranges.filter((r) => r.upTo > r.after);
  if (wanted.length <= 1) return Promise.all(ranges.map((r) => entriesBetween(db, r)));
  const [sent, changes] = await Promise.all([
    messages(db)
      .where((eb) =>
        eb.or(
          wanted.map((r) =>
            eb.and([eb("message.room", "=", r.room), eb("message.seq", ">", r.after), eb("message.seq", "<=", r.upTo)]),
          ),
        ),
      )
      .orderBy("message.seq", "asc")
      .execute(),
    changeRows(db)
      .select("room_entry.room")
      .where((eb) =>
        eb.or(
          wanted.map((r) =>
            eb.and([
              eb("room_entry.room", "=", r.room),
              eb("room_entry.seq", ">", r.after),
              eb("room_entry.seq", "<=", r.upTo),
            ]),
          ),
        ),
      )
      .orderBy("room_entry.seq", "asc")
      .execute(),
  ]);
  const inRange = (r: SeqRange) => (row: { room: string; seq: number | string }) =>
    row.room === r.room && Number(row.seq) > r.after && Number(row.seq) <= r.upTo;
  const lists = ranges.map((r) => merged(sent.filter(inRange(r)), changes.filter(inRange(r))));
  // One attachments read for all: files are keyed by message id, unique across rooms.
  const filled = await withEntryAttachments(db, lists.flat());
  let at = 0;
  return lists.map((list) => filled.slice(at, (at += list.length)));
}

/** Messages as sent and changes, each list in seq order and sharing no seq, as one list in seq order. */
function merged(m: MessageRow[], c: ChangeRow[]): RoomEntry[] {
  const entries: RoomEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < m.length || j < c.length) {
    if (j >= c.length || (i < m.length && Number(m[i]!.seq) < Number(c[j]!.seq))) {
      const message = asSent(m[i++]!);
      entries.push({ kind: "message", seq: message.seq, message });
    } else {
      entries.push(toChangeEntry(c[j++]!));
    }
  }
  return entries;
}

/** The log's `message` entries carry their files as sent (a message deleted since has none left). */
async function withEntryAttachments(db: Db, entries: RoomEntry[]): Promise<RoomEntry[]> {
  const sent = entries.flatMap((e) => (e.kind === "message" ? [e.message] : []));
  if (sent.length === 0) return entries;
  // By id: the entries may be of several rooms (entriesOfRanges), whose seqs repeat.
  const filled = new Map((await withAttachments(db, sent)).map((m) => [m.id, m]));
  return entries.map((e) => (e.kind === "message" ? { ...e, message: filled.get(e.message.id)! } : e));
}

/** Per database: the newest-seq reads in flight, shared (db/shared-reads.ts). */
const newestReads = new WeakMap<Db, SharedReads<number>>();

/**
 * The seq of the room's newest entry; 0 for a room with none. Every stream reads it
 * once subscribed: the streams of one room opened at once (a burst of connects)
 * share reads, each started after every stream it answers had subscribed.
 */
export function lastSeq(db: Db, room: RoomName): Promise<number> {
  let reads = newestReads.get(db);
  if (!reads) newestReads.set(db, (reads = createSharedReads<number>()));
  return reads.get(room, () => readLastSeq(db, room));
}

async function readLastSeq(db: Db, room: RoomName): Promise<number> {
  const { rows } = await roomLastSeq(db, room);
  return rows[0] ? Number(rows[0].last_seq) : 0;
}

/** Public rooms by most recent message first (a private room is never listed: its members find it among theirs). */
export async function activeRooms(db: Db, limit: number): Promise<Omit<RoomSummary, "present">[]> {
  const rows = await db
    .selectFrom("room")
    .select(["name", "last_seq", "message_count", "last_message_at"])
    .where("visibility", "=", "public")
    .orderBy("last_message_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    name: r.name,
    lastSeq: Number(r.last_seq),
    messages: Number(r.message_count),
    lastMessageAt: r.last_message_at,
  }));
}
