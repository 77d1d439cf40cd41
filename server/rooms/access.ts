/**
 * The access rules, in one place: who can see a room, who can post in it, who
 * can manage it. A private room is invisible to everyone but its members: to
 * them it answers exactly as a name never used does.
 */
import { isDmRoom, type RoomName, type RoomRole } from "../../shared/schemas.ts";
import { ForbiddenError, roomNotFound } from "../errors/domain-errors.ts";
import type { RoomAccessRow } from "./repository.ts";

/** A room as one caller sees it. `exists: false`: no room has the name (yet). */
export type RoomAccess = { room: RoomName; exists: true } & RoomAccessRow;
export type AnyRoomAccess = RoomAccess | { room: RoomName; exists: false };

export { roomNotFound };

export const isManager = (role: RoomRole | null) => role === "owner" || role === "moderator";

/**
 * Whether the caller may see the room at all: any public room (banned users
 * included: it is public), a private one only as a member. A name never used
 * is visible (history is empty, a first message creates it) — except a
 * direct-message name, which only `dm.open` can create.
 */
export function canSee(access: AnyRoomAccess): boolean {
  if (!access.exists) return !isDmRoom(access.room);
  return access.visibility === "public" || access.role !== null;
}

/** Throws NOT_FOUND unless the caller may see the room. */
export function requireVisible(access: AnyRoomAccess): void {
  if (!canSee(access)) throw roomNotFound(access.room);
}

/** Throws unless the caller may post (send, edit, react, type) here: visible, and not banned. */
export function requireCanPost(access: AnyRoomAccess): void {
  requireVisible(access);
  if (access.exists && access.banned)
    throw new ForbiddenError(`You are banned from room '${access.room}'.`, {
      reason: "banned",
      params: { room: access.room },
    });
}

/** Throws unless the room exists and the caller may see it. */
export function requireExisting(access: AnyRoomAccess): RoomAccess {
  if (!access.exists || !canSee(access)) throw roomNotFound(access.room);
  return access;
}
