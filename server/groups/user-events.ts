/** Events for one person across rooms, on their own group: every process's `me.rooms` watchers of them hear it. */
import { type RoomName, userGroup } from "../../shared/schemas.ts";
import type { GroupLayer } from "./group-layer.ts";

/**
 * `userId`'s read marker in `room` moved, or the set of their rooms changed (with
 * `room` and `invitedBy`: someone added them to that room). Never throws: counts
 * recover on the next lag or reconnect.
 */
export async function announceToUser(
  groups: GroupLayer,
  userId: number,
  change: "marker" | "rooms",
  room?: RoomName,
  invitedBy?: string,
): Promise<void> {
  try {
    await groups.publish(userGroup(userId), {
      type: "user",
      userId,
      change,
      ...(room ? { room } : {}),
      ...(invitedBy ? { invitedBy } : {}),
    });
  } catch (error) {
    console.error(`[parlor] event for user ${userId} not published`, error);
  }
}
