/**
 * The access seam's one query, and what it says about a stream whose holder's
 * removal may have been missed. Both only read the database, so the revocations
 * (which the rooms service tells of removals) can ask them without the rooms
 * service: the app builds the revocations first, then the rooms, in a straight line.
 */
import type { Db } from "../../db/index.ts";
import type { RoomName } from "../../shared/schemas.ts";
import { type AnyRoomAccess, canSee } from "./access.ts";
import { findRoomAccess } from "./repository.ts";
import { GUEST, type RevokeReason } from "./revocations.ts";

/** The room as `user` (null: a guest) sees it. */
export async function readAccess(db: Db, room: RoomName, user: { id: number } | null): Promise<AnyRoomAccess> {
  const row = await findRoomAccess(db, room, user?.id ?? GUEST);
  return row ? { room, exists: true, ...row } : { room, exists: false };
}

/**
 * Why `userId` (GUEST: a guest) may no longer read `room` (asked after a revocation may have been
 * missed), or null while they may: what the seam answers now (an unused name is readable). A
 * guest is shut out of a room it cannot see; a ban says so; any other loss (kicked, left, never
 * a member of a room that turned private: the database does not tell them apart) is a removal.
 */
export async function whyRevoked(db: Db, room: RoomName, userId: number): Promise<RevokeReason | null> {
  const found = await readAccess(db, room, userId === GUEST ? null : { id: userId });
  if (canSee(found)) return null;
  if (userId === GUEST) return "hidden";
  return found.exists && found.banned ? "banned" : "kicked";
}
