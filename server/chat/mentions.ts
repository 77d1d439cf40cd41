/** Who a message mentions (`@name`), kept in `mention` rows that follow its text: written with the entry that sets the text. */
import { sql } from "kysely";
import type { Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";
import { mentionedNames } from "../../shared/room-log.ts";

/** Records who `text` (message `seq`) mentions, but for its sender. Only texts with an `@name` cost a query. */
export async function recordMentions(
  trx: Db,
  room: string,
  seq: number,
  senderId: number,
  text: string,
): Promise<void> {
  const names = mentionedNames(text);
  if (names.length === 0) return;
  const users = await trx
    .selectFrom("user")
    .select("id")
    .where(sql<string>`lower(username)`, "in", names)
    .where("id", "!=", senderId)
    .execute();
  if (users.length === 0) return;
  await trx
    .insertInto("mention")
    .values(users.map((u) => ({ user_id: Number(u.id), room, seq })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Forgets who message `seq` mentions (its text changed or went). */
export const clearMentions = prepare((db, room: string, seq: number) =>
  db.deleteFrom("mention").where("room", "=", room).where("seq", "=", seq),
);
