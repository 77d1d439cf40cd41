/**
 * What one heartbeat carries: the local state cut into parts the schema
 * accepts (PRESENCE_HEARTBEAT_MAX_ROOMS rooms and PRESENCE_HEARTBEAT_MAX_NAMES
 * people each). Each part is its own "process" to the others (`<id>`,
 * `<id>#1`, …), with its own TTL.
 */
import { PRESENCE_HEARTBEAT_MAX_NAMES, PRESENCE_HEARTBEAT_MAX_ROOMS } from "../../shared/schemas.ts";

/** Who this process has in one room: each user with their number of connections, and guests. */
export interface RoomState {
  users: Map<string, number>;
  guests: number;
}

/** One room's entry in a heartbeat. */
export type HeartbeatEntry = { users: string[]; guests: number };
export type HeartbeatRooms = Record<string, HeartbeatEntry>;

/** A part's id in heartbeats: the process id for the first, `<id>#<n>` for the others. */
export const partId = (processId: string, index: number) => (index === 0 ? processId : `${processId}#${index}`);

/**
 * The local state cut into heartbeat-sized parts: at most `maxRooms` rooms and
 * `maxNames` names each. A room with more people than fit is spread over
 * several parts (receivers take the union of names, and its guests are counted
 * in one part only). Rooms in name order, so parts change little between beats.
 */
export function heartbeatParts(
  local: ReadonlyMap<string, RoomState>,
  maxRooms = PRESENCE_HEARTBEAT_MAX_ROOMS,
  maxNames = PRESENCE_HEARTBEAT_MAX_NAMES,
): HeartbeatRooms[] {
  const parts: HeartbeatRooms[] = [];
  let part: HeartbeatRooms = {};
  let rooms = 0;
  let names = 0;
  const next = () => {
    parts.push(part);
    part = {};
    rooms = 0;
    names = 0;
  };
  for (const room of [...local.keys()].sort()) {
    const state = local.get(room)!;
    let users = [...state.users.keys()];
    let guests = state.guests;
    do {
      if (rooms >= maxRooms || (names >= maxNames && users.length > 0)) next();
      const taken = users.slice(0, maxNames - names);
      users = users.slice(taken.length);
      part[room] = { users: taken, guests };
      guests = 0;
      rooms++;
      names += taken.length;
    } while (users.length > 0);
  }
  if (rooms > 0 || parts.length === 0) parts.push(part);
  return parts;
}

/** Whether two heartbeats say the same of a room (a restatement needs no new snapshot). */
export const sameEntry = (a: HeartbeatEntry | undefined, b: HeartbeatEntry | undefined) =>
  a !== undefined &&
  b !== undefined &&
  a.guests === b.guests &&
  a.users.length === b.users.length &&
  a.users.every((u, i) => u === b.users[i]);
