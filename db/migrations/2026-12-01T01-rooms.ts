/**
 * Rooms with owners and members: public rooms (readable by anyone) and private
 * ones (only their members know they hold anything), bans, and direct-message
 * rooms. Rooms that exist already are public; their owner is the sender of
 * their first message, and everyone who sent to one is a member of it.
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = postgres ? "bigint" : "integer";

  await db.schema
    .alterTable("room")
    .addColumn("visibility", "text", (c) => c.notNull().defaultTo("public"))
    .execute();
  await db.schema.alterTable("room").addColumn("topic", "text").execute();
  await db.schema
    .alterTable("room")
    .addColumn("owner_id", idType, (c) => c.references("user.id"))
    .execute();
  await db.schema
    .alterTable("room")
    .addColumn("member_count", "bigint", (c) => c.notNull().defaultTo(0))
    .execute();
  // 1: the direct-message room of two users (private; nobody else can be invited).
  await db.schema
    .alterTable("room")
    .addColumn("direct", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // ISO-8601 UTC; null for rooms older than this migration.
  await db.schema.alterTable("room").addColumn("created_at", "text").execute();
  await db.schema.createIndex("room_owner").on("room").columns(["owner_id", "created_at"]).execute();

  await db.schema
    .createTable("room_member")
    .addColumn("room", "text", (c) => c.notNull().references("room.name"))
    .addColumn("user_id", idType, (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("joined_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("room_member_pk", ["room", "user_id"])
    .execute();
  // "Your rooms": a user's memberships.
  await db.schema.createIndex("room_member_user").on("room_member").column("user_id").execute();

  await db.schema
    .createTable("room_ban")
    .addColumn("room", "text", (c) => c.notNull().references("room.name"))
    .addColumn("user_id", idType, (c) => c.notNull().references("user.id").onDelete("cascade"))
    .addColumn("by_id", idType, (c) => c.notNull().references("user.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("room_ban_pk", ["room", "user_id"])
    .execute();

  await sql`update room set owner_id = (select m.sender_id from message m where m.room = room.name order by m.seq limit 1)`.execute(
    db,
  );
  await sql`insert into room_member (room, user_id, role, joined_at)
    select m.room, m.sender_id, 'member', min(m.created_at) from message m group by m.room, m.sender_id`.execute(db);
  await sql`update room_member set role = 'owner' where user_id = (select r.owner_id from room r where r.name = room_member.room)`.execute(
    db,
  );
  await sql`update room set member_count = (select count(*) from room_member rm where rm.room = room.name)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("room_ban").execute();
  await db.schema.dropTable("room_member").execute();
  await db.schema.dropIndex("room_owner").execute();
  for (const column of ["created_at", "direct", "member_count", "owner_id", "topic", "visibility"]) {
    await db.schema.alterTable("room").dropColumn(column).execute();
  }
}
