/**
 * Room names have one canonical form, lower case (shared/schemas.ts RoomName
 * folds what clients type): existing names are folded here. Where two names
 * differ only in case ("General" beside "general"), the OLDEST room gets the
 * lower-case name and each newer one is renamed, whole, to the first free
 * `<name>-2`, `<name>-3`, … — nothing of one room is moved into another, so no
 * conversation silently gains another's messages, members or bans. Each rename
 * is printed, so the operator can tell the rooms' people. Age: the room's
 * `created_at`, else its first message's time; a room with neither counts as
 * oldest (it predates both columns). Direct-message names (`dm:<id>:<id>`)
 * are lower case already. Not undone by `down`: the old case is not kept.
 */
import type { Kysely } from "kysely";

/** Every table that names a room by its name (foreign keys to room.name, without ON UPDATE CASCADE). */
const ROOM_COLUMNS = ["message", "room_entry", "room_member", "room_ban", "read_marker", "mention"] as const;
const ROOM_NAME_MAX = 64;

interface RoomAge {
  name: string;
  /** ISO-8601; null: older than any dated room. */
  since: string | null;
}

/** The first `<base>-n` (n ≥ 2) whose lower-case form no room has, cut to fit the 64-character bound. */
function freeName(base: string, taken: Set<string>): string {
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const name = base.slice(0, ROOM_NAME_MAX - suffix.length) + suffix;
    if (!taken.has(name)) return name;
  }
}

/** Moves a room and everything that names it to `to`: a copy of its row first, so every foreign key holds at each step. */
async function rename(db: Kysely<any>, from: string, to: string): Promise<void> {
  const row = await db.selectFrom("room").selectAll().where("name", "=", from).executeTakeFirstOrThrow();
  await db
    .insertInto("room")
    .values({ ...row, name: to })
    .execute();
  for (const table of ROOM_COLUMNS) await db.updateTable(table).set({ room: to }).where("room", "=", from).execute();
  await db.deleteFrom("room").where("name", "=", from).execute();
}

/** Oldest first: dated by creation, else by first message; undated rooms first; then by name, so the order is the same on every run. */
const olderFirst = (a: RoomAge, b: RoomAge) =>
  a.since === b.since
    ? a.name < b.name
      ? -1
      : 1
    : a.since === null
      ? -1
      : b.since === null
        ? 1
        : a.since < b.since
          ? -1
          : 1;

export async function up(db: Kysely<any>): Promise<void> {
  // All or nothing. On PostgreSQL the migrator runs each migration in a transaction already.
  const atomically = (body: (trx: Kysely<any>) => Promise<void>) =>
    db.isTransaction ? body(db) : db.transaction().execute(body);
  await atomically(async (trx) => {
    const rooms: RoomAge[] = (
      await trx
        .selectFrom("room")
        .select((eb) => [
          "room.name",
          eb.fn
            .coalesce(
              "room.created_at",
              eb
                .selectFrom("message")
                .select((m) => m.fn.min("created_at").as("t"))
                .whereRef("message.room", "=", "room.name"),
            )
            .as("since"),
        ])
        .execute()
    ).map((r) => ({ name: String(r.name), since: r.since === null ? null : String(r.since) }));
    const groups = new Map<string, RoomAge[]>();
    for (const room of rooms) {
      const folded = room.name.toLowerCase();
      groups.set(folded, [...(groups.get(folded) ?? []), room]);
    }
    const taken = new Set(groups.keys());
    const moves: { from: string; to: string }[] = [];
    for (const [folded, group] of groups) {
      if (group.every((r) => r.name === folded)) continue;
      const [oldest, ...newer] = group.sort(olderFirst);
      for (const room of newer) {
        const to = freeName(folded, taken);
        taken.add(to);
        moves.push({ from: room.name, to });
        console.warn(
          `[parlor] room '${room.name}' renamed to '${to}': '${oldest!.name}', older, keeps the name '${folded}'.`,
        );
      }
      if (oldest!.name !== folded) moves.push({ from: oldest!.name, to: folded });
    }
    // The newer rooms leave first: the lower-case name may be one of them.
    for (const { from, to } of moves) await rename(trx, from, to);
  });
}

export async function down(): Promise<void> {
  // The names' former case is not kept: nothing to undo.
}
