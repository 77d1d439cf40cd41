/**
 * All SQL about uploads. An upload is a row of its own; a send attaches it to
 * its message (`attachUploads`, inside the send's transaction), readers fetch
 * the attachments of a page of messages in one query (`attachmentsOf`).
 */
import { type ExpressionBuilder, type Selectable, sql } from "kysely";
import { inProcess } from "../../db/in-process.ts";
import type { Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";
import type { Database, UploadTable } from "../../db/schema.ts";
import type { Attachment } from "../../shared/schemas.ts";
import { InvalidRequestError } from "../errors/domain-errors.ts";
import { UPLOAD_ATTACH_WINDOW_MS } from "../limits/defaults.ts";

export type UploadRow = Selectable<UploadTable>;

/** The thumbnail's path segment: `/files/<id>/thumbnail`. */
export const THUMBNAIL = "thumbnail";

/** Where upload `id`'s thumbnail is served (also a profile's `avatarUrl`). */
export const thumbnailPath = (id: string) => `/files/${id}/${THUMBNAIL}`;

/** An upload as clients see it (`Attachment`); its URLs are paths on this server. */
export function toAttachment(r: UploadRow): Attachment {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    size: Number(r.size),
    width: r.width === null ? null : Number(r.width),
    height: r.height === null ? null : Number(r.height),
    url: `/files/${r.id}/${encodeURIComponent(r.name)}`,
    thumbnailUrl: r.thumbnail_key === null ? null : thumbnailPath(r.id),
  };
}

export async function insertUpload(db: Db, row: UploadRow): Promise<void> {
  await db.insertInto("upload").values(row).execute();
}

/**
 * Attaches uploads `ids` (in that order) to message `messageId`, inside the
 * transaction that stores the message: each must be `uploaderId`'s, not yet
 * attached, and younger than the attach window; otherwise nothing is attached
 * and the send is refused (BAD_REQUEST), worded the same whatever the reason,
 * so an id does not tell whether someone else's upload exists.
 */
export async function attachUploads(
  trx: Db,
  q: { messageId: number; uploaderId: number; ids: readonly string[]; now: number },
): Promise<Attachment[]> {
  if (q.ids.length === 0) return [];
  if (new Set(q.ids).size !== q.ids.length)
    throw new InvalidRequestError("A file can be attached to a message once.", { reason: "fileAttachedTwice" });
  const refused = (id: string) =>
    new InvalidRequestError(
      `'${id}' is not a file you uploaded in the last 24 hours and have not sent yet: upload it again.`,
      { reason: "uploadGone" },
    );
  const rows = await trx
    .selectFrom("upload")
    .selectAll()
    .where("id", "in", [...q.ids])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const attached: Attachment[] = [];
  for (const [position, id] of q.ids.entries()) {
    const row = byId.get(id);
    if (
      !row ||
      Number(row.uploader_id) !== q.uploaderId ||
      row.message_id !== null ||
      Number(row.created_at) <= q.now - UPLOAD_ATTACH_WINDOW_MS
    )
      throw refused(id);
    // `message_id is null` again under the row's lock: of two sends racing for one upload, one wins.
    const { numUpdatedRows } = await trx
      .updateTable("upload")
      .set({ message_id: q.messageId, position })
      .where("id", "=", id)
      .where("message_id", "is", null)
      .executeTakeFirst();
    if (Number(numUpdatedRows) !== 1) throw refused(id);
    attached.push(toAttachment({ ...row, message_id: q.messageId, position }));
  }
  return attached;
}

/**
 * In process (SQLite): the uploads of messages given as a JSON array, one statement for any number
 * of them, prepared once (an IN list is a Kysely build per page, and a statement per length); on a
 * file's read connection outside a transaction (db/prepared.ts).
 */
const uploadsOfMessages = prepare(
  (db, messageIds: string) =>
    db
      .selectFrom("upload")
      .selectAll()
      .where("message_id", "in", sql<number>`(select value from json_each(${messageIds}))`)
      .orderBy("message_id")
      .orderBy("position"),
  { onReader: true },
);

/** The attachments of each of `messageIds`, in the order they were given; messages without any are absent. */
export async function attachmentsOf(db: Db, messageIds: readonly number[]): Promise<Map<number, Attachment[]>> {
  const found = new Map<number, Attachment[]>();
  if (messageIds.length === 0) return found;
  const rows = inProcess(db)
    ? (await uploadsOfMessages(db, JSON.stringify(messageIds))).rows
    : await db
        .selectFrom("upload")
        .selectAll()
        .where("message_id", "in", [...new Set(messageIds)])
        .orderBy("message_id")
        .orderBy("position")
        .execute();
  for (const r of rows) {
    const id = Number(r.message_id);
    const list = found.get(id);
    if (list) list.push(toAttachment(r));
    else found.set(id, [toAttachment(r)]);
  }
  return found;
}

/** Whether someone wears the upload as their avatar (`upload.id` of the outer query). */
const worn = (eb: ExpressionBuilder<Database, "upload">) =>
  eb.exists(eb.selectFrom("user").select("user.id").whereRef("user.avatar_id", "=", "upload.id"));

/** An upload, once attached where its message is, and whether it is someone's avatar (null: no such upload). */
export async function findUploadForRead(db: Db, id: string) {
  const row = await db
    .selectFrom("upload")
    .leftJoin("message", "message.id", "upload.message_id")
    .selectAll("upload")
    .select(["message.room as room", "message.deleted as deleted"])
    .select((eb) => worn(eb).as("avatar"))
    .where("upload.id", "=", id)
    .executeTakeFirst();
  return row ?? null;
}

/** How many files and bytes `uploaderId` uploaded since `since` (ms). */
export async function uploadedSince(
  db: Db,
  uploaderId: number,
  since: number,
): Promise<{ count: number; bytes: number }> {
  const row = await db
    .selectFrom("upload")
    .select((eb) => [eb.fn.countAll().as("count"), eb.fn.sum("size").as("bytes")])
    .where("uploader_id", "=", uploaderId)
    .where("created_at", ">", since)
    .executeTakeFirst();
  return { count: Number(row?.count ?? 0), bytes: Number(row?.bytes ?? 0) };
}

/** Uploads nobody may read any more: unattached past the window, or on a deleted message — and nobody's avatar. */
export async function unreadableUploads(db: Db, now: number, limit: number): Promise<UploadRow[]> {
  return db
    .selectFrom("upload")
    .leftJoin("message", "message.id", "upload.message_id")
    .selectAll("upload")
    .where((eb) =>
      eb.or([
        eb.and([eb("upload.message_id", "is", null), eb("upload.created_at", "<=", now - UPLOAD_ATTACH_WINDOW_MS)]),
        eb("message.deleted", "=", 1),
      ]),
    )
    .where((eb) => eb.not(worn(eb)))
    .limit(limit)
    .execute();
}

/** The uploads of the message at `seq` of `room`, but for one its sender wears as an avatar (it outlives the message). */
export async function uploadsOfMessage(db: Db, room: string, seq: number): Promise<UploadRow[]> {
  return db
    .selectFrom("upload")
    .innerJoin("message", "message.id", "upload.message_id")
    .selectAll("upload")
    .where("message.room", "=", room)
    .where("message.seq", "=", seq)
    .where((eb) => eb.not(worn(eb)))
    .execute();
}

export async function deleteUploads(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length)
    await db
      .deleteFrom("upload")
      .where("id", "in", [...ids])
      .execute();
}

/**
 * `messages` with their attachments filled in from one query (a deleted message
 * has none). For every reader of messages: history, the log's entries, search.
 */
export async function withAttachments<M extends { id: number; deleted: boolean; attachments: Attachment[] }>(
  db: Db,
  messages: M[],
): Promise<M[]> {
  const found = await attachmentsOf(
    db,
    messages.filter((m) => !m.deleted).map((m) => m.id),
  );
  if (found.size === 0) return messages;
  return messages.map((m) => (found.has(m.id) ? { ...m, attachments: found.get(m.id)! } : m));
}
