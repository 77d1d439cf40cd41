/**
 * All SQL about rooms as places: who owns them, who is in them, who is banned.
 * Changes of membership run inside a transaction that also appends their
 * entry to the room's log (server/chat/change-store.ts: appendMemberEntry).
 */
import { sql } from "kysely";
import type { Db } from "../../db/index.ts";
import { prepare } from "../../db/prepared.ts";
import type { RoomBan, RoomMember, RoomName, RoomRole, Visibility } from "../../shared/schemas.ts";

/** What the access seam needs to know about a room and one caller, in one query. */
export interface RoomAccessRow {
  visibility: Visibility;
  direct: boolean;
  topic: string | null;
  owner: string | null;
  ownerId: number | null;
  memberCount: number;
  /** The caller's role; null when not a member (or a guest). */
  role: RoomRole | null;
  banned: boolean;
}

/**
 * Owner, role and ban are subqueries on primary keys (room_member and room_ban are
 * keyed by (room, user_id)): the same answer as left joins, several times faster on SQLite.
 * Outside a transaction it reads committed rows on a SQLite file's read connection (db/prepared.ts):
 * every read of a room (room.history first) asks it, and need not wait behind a write in progress.
 */
const accessQuery = prepare(
  (db, room: string, userId: number) =>
    db
      .selectFrom("room")
      .select((eb) => [
        "room.visibility",
        "room.direct",
        "room.topic",
        eb.selectFrom("user as owner").select("owner.username").whereRef("owner.id", "=", "room.owner_id").as("owner"),
        "room.owner_id",
        "room.member_count",
        eb
          .selectFrom("room_member")
          .select("room_member.role")
          .whereRef("room_member.room", "=", "room.name")
          .where("room_member.user_id", "=", userId)
          .as("role"),
        eb
          .selectFrom("room_ban")
          .select("room_ban.user_id")
          .whereRef("room_ban.room", "=", "room.name")
          .where("room_ban.user_id", "=", userId)
          .as("banned_id"),
      ])
      .where("room.name", "=", room),
  { onReader: true },
);

/** The room as `userId` (0: a guest) sees it; null when no room has the name. */
export async function findRoomAccess(db: Db, room: RoomName, userId: number): Promise<RoomAccessRow | null> {
  const r = (await accessQuery(db, room, userId)).rows[0];
  if (!r) return null;
  return {
    visibility: r.visibility,
    direct: Number(r.direct) === 1,
    topic: r.topic,
    owner: r.owner,
    ownerId: r.owner_id === null ? null : Number(r.owner_id),
    memberCount: Number(r.member_count),
    role: r.role ?? null,
    banned: r.banned_id !== null,
  };
}

export async function findUserByName(db: Db, username: string): Promise<{ id: number; username: string } | null> {
  const row = await db
    .selectFrom("user")
    .select(["id", "username"])
    .where(sql<string>`lower(username)`, "=", username.toLowerCase())
    .executeTakeFirst();
  return row ? { id: Number(row.id), username: row.username } : null;
}

export async function findUserById(db: Db, id: number): Promise<{ id: number; username: string } | null> {
  const row = await db.selectFrom("user").select(["id", "username"]).where("id", "=", id).executeTakeFirst();
  return row ? { id: Number(row.id), username: row.username } : null;
}

/** Creates an empty room; false when the name is taken. */
export async function insertRoom(
  db: Db,
  r: { room: RoomName; visibility: Visibility; topic: string | null; ownerId: number; direct: boolean; now: string },
): Promise<boolean> {
  const rows = await db
    .insertInto("room")
    .values({
      name: r.room,
      last_seq: 0,
      message_count: 0,
      last_message_at: r.now,
      visibility: r.visibility,
      topic: r.topic,
      owner_id: r.ownerId,
      direct: r.direct ? 1 : 0,
      created_at: r.now,
    })
    .onConflict((oc) => oc.column("name").doNothing())
    .returning("name")
    .execute();
  return rows.length > 0;
}

/** Adds a member; false when they are one already (their role is left as it is). */
export async function insertMember(
  db: Db,
  room: RoomName,
  userId: number,
  role: RoomRole,
  now: string,
): Promise<boolean> {
  const rows = await db
    .insertInto("room_member")
    .values({ room, user_id: userId, role, joined_at: now })
    .onConflict((oc) => oc.columns(["room", "user_id"]).doNothing())
    .returning("user_id")
    .execute();
  if (rows.length === 0) return false;
  await db.updateTable("room").set({ member_count: sql<number>`member_count + 1` }).where("name", "=", room).execute();
  return true;
}

/** Removes a member; false when they were not one. */
export async function deleteMember(db: Db, room: RoomName, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom("room_member")
    .where("room", "=", room)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) return false;
  await db.updateTable("room").set({ member_count: sql<number>`member_count - 1` }).where("name", "=", room).execute();
  return true;
}

export async function findRole(db: Db, room: RoomName, userId: number): Promise<RoomRole | null> {
  const row = await db
    .selectFrom("room_member")
    .select("role")
    .where("room", "=", room)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row?.role ?? null;
}

export async function updateRole(db: Db, room: RoomName, userId: number, role: RoomRole): Promise<void> {
  await db.updateTable("room_member").set({ role }).where("room", "=", room).where("user_id", "=", userId).execute();
}

export async function isBanned(db: Db, room: RoomName, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom("room_ban")
    .select("user_id")
    .where("room", "=", room)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Bans a user; false when they were banned already. */
export async function insertBan(db: Db, room: RoomName, userId: number, byId: number, now: string): Promise<boolean> {
  const rows = await db
    .insertInto("room_ban")
    .values({ room, user_id: userId, by_id: byId, created_at: now })
    .onConflict((oc) => oc.columns(["room", "user_id"]).doNothing())
    .returning("user_id")
    .execute();
  return rows.length > 0;
}

export async function deleteBan(db: Db, room: RoomName, userId: number): Promise<boolean> {
  const result = await db
    .deleteFrom("room_ban")
    .where("room", "=", room)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function updateTopic(db: Db, room: RoomName, topic: string | null): Promise<void> {
  await db.updateTable("room").set({ topic }).where("name", "=", room).execute();
}

const ROLE_ORDER = sql<number>`case room_member.role when 'owner' then 0 when 'moderator' then 1 else 2 end`;

/** Members, owner first, then moderators, then everyone else, by name. */
export async function listMembers(db: Db, room: RoomName, limit: number): Promise<RoomMember[]> {
  const rows = await db
    .selectFrom("room_member")
    .innerJoin("user", "user.id", "room_member.user_id")
    .select(["user.username", "room_member.role", "user.display_name"])
    .where("room_member.room", "=", room)
    .orderBy(ROLE_ORDER)
    .orderBy("user.username")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ username: r.username, role: r.role, displayName: r.display_name }));
}

/** The room's bans, newest first: who, by whom, when. */
export async function listBans(db: Db, room: RoomName, limit: number): Promise<RoomBan[]> {
  const rows = await db
    .selectFrom("room_ban")
    .innerJoin("user as banned", "banned.id", "room_ban.user_id")
    .innerJoin("user as moderator", "moderator.id", "room_ban.by_id")
    .select(["banned.username as username", "moderator.username as by", "room_ban.created_at as at"])
    .where("room_ban.room", "=", room)
    .orderBy("room_ban.created_at", "desc")
    .orderBy("banned.username")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ username: r.username, by: r.by, at: r.at }));
}

/** The rooms a user is a member of, most recent activity first. */
export async function listUserRooms(db: Db, userId: number, limit: number) {
  const rows = await db
    .selectFrom("room_member")
    .innerJoin("room", "room.name", "room_member.room")
    .select([
      "room.name",
      "room.visibility",
      "room.topic",
      "room.direct",
      "room.last_seq",
      "room.message_count",
      "room.last_message_at",
      "room_member.role",
    ])
    .where("room_member.user_id", "=", userId)
    .orderBy("room.last_message_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    room: r.name,
    visibility: r.visibility,
    topic: r.topic,
    direct: Number(r.direct) === 1,
    role: r.role,
    lastSeq: Number(r.last_seq),
    messages: Number(r.message_count),
    lastMessageAt: r.last_message_at,
  }));
}

/** Private rooms `userId` created since `since` (ISO), for the per-day limit. */
export async function countPrivateRoomsCreatedSince(db: Db, userId: number, since: string): Promise<number> {
  const row = await db
    .selectFrom("room")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("owner_id", "=", userId)
    .where("visibility", "=", "private")
    .where("direct", "=", 0)
    .where("created_at", ">=", since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
