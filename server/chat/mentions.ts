/**
 * Who a message mentions, as `mention` rows (what unread counts as mentions and
 * the app highlights): the people it names (`@name`), and the people it
 * concerns without naming them — the other person of a direct message, and
 * the sender of the message it answers. Never its own sender. Written in the
 * transaction that sets the text (a send, an edit), so the rows follow it.
 */
import { sql } from "kysely";
import type { Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";
import { mentionedNames } from "../../shared/room-log.ts";
import { DM_ROOM } from "../../shared/schemas.ts";

export interface MentionSource {
  room: string;
  seq: number;
  senderId: number;
  text: string;
  /** The seq of the message it answers, if any. */
  replyTo: number | null;
}

/** The other person of a direct-message room, from its name alone (`dm:<id>:<id>`); null for any other room. */
export function dmPartner(room: string, senderId: number): number | null {
  const ids = DM_ROOM.exec(room);
  if (!ids) return null;
  const [a, b] = [Number(ids[1]), Number(ids[2])];
  return a === senderId ? b : b === senderId ? a : null;
}

/**
 * Records the mentions of one message. A message with no `@name`, outside a
 * DM and answering nothing costs no query (and returns nothing to await); otherwise one statement: an insert
 * of the users found (the sender of `replyTo` read in the same statement).
 */
export function recordMessageMentions(trx: Db, m: MentionSource): Promise<void> | undefined {
  const names = mentionedNames(m.text);
  const partner = dmPartner(m.room, m.senderId);
  // Most messages: nothing to write, and no promise to wait for.
  if (names.length === 0 && partner === null && m.replyTo === null) return;
  return insertMentions(trx, m, names, partner);
}

async function insertMentions(trx: Db, m: MentionSource, names: string[], partner: number | null): Promise<void> {
  const replyTo = m.replyTo;
  await trx
    .insertInto("mention")
    .columns(["user_id", "room", "seq"])
    .expression((eb) =>
      eb
        .selectFrom("user")
        .select([
          "user.id",
          sql<string>`cast(${m.room} as text)`.as("room"),
          sql<number>`cast(${m.seq} as bigint)`.as("seq"),
        ])
        .where("user.id", "!=", m.senderId)
        .where((w) =>
          w.or([
            ...(names.length ? [w(sql<string>`lower(username)`, "in", names)] : []),
            ...(partner !== null ? [w("user.id", "=", partner)] : []),
            ...(replyTo !== null
              ? [
                  w(
                    "user.id",
                    "=",
                    w
                      .selectFrom("message")
                      .select("message.sender_id")
                      .where("message.room", "=", m.room)
                      .where("message.seq", "=", replyTo),
                  ),
                ]
              : []),
          ]),
        ),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Forgets who message `seq` mentions (its text changed or went). */
export const clearMentions = prepare((db, room: string, seq: number) =>
  db.deleteFrom("mention").where("room", "=", room).where("seq", "=", seq),
);
