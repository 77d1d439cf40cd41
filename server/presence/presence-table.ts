/**
 * Who is in which room and who is typing, as this process knows it: its own
 * connections (`local`), the latest heartbeat of every other process (each
 * forgotten once its TTL passes), and typing signals until they expire. Pure
 * state: each change says which rooms it touched, and the caller decides when
 * watchers hear of them.
 */
import type { RoomEvent, RoomPresence } from "../../shared/schemas.ts";
import { type HeartbeatEntry, type RoomState, sameEntry } from "./heartbeat-parts.ts";

export interface PresenceTable {
  /** This process's connections per room: what its heartbeats carry. */
  readonly local: ReadonlyMap<string, RoomState>;
  /** Counts one connection in `room` (a guest when `username` is null); the returned function uncounts it (call it once). */
  enter(room: string, username: string | null): () => void;
  /** Takes in a heartbeat or a typing signal; returns the rooms whose presence it changed. */
  receive(event: RoomEvent): string[];
  /** Forgets the processes whose TTL passed; returns the rooms they were in. */
  expireRemote(now: number): string[];
  /** Forgets the typing signals that expired: the rooms they were in, and when the next one expires. */
  expireTyping(now: number): { rooms: string[]; nextExpiry: number };
  isTyping(room: string, username: string): boolean;
  snapshot(room: string): RoomPresence;
}

// Over 60 lines as a whole: the three maps and the small methods that are their only readers and writers.
export function createPresenceTable(processId: string): PresenceTable {
  const local = new Map<string, RoomState>();
  /** Other processes' rooms: process → room → state, and when it expires. */
  const remote = new Map<string, { rooms: Map<string, HeartbeatEntry>; expiresAt: number }>();
  /** room → username → expiry time. */
  const typists = new Map<string, Map<string, number>>();

  function leave(room: string, username: string | null): void {
    const state = local.get(room)!;
    if (username === null) state.guests--;
    else {
      const n = (state.users.get(username) ?? 1) - 1;
      if (n > 0) state.users.set(username, n);
      else state.users.delete(username);
    }
    if (state.guests === 0 && state.users.size === 0) local.delete(room);
  }

  function receiveHeartbeat(event: Extract<RoomEvent, { type: "presence" }>): string[] {
    if (event.process === processId || event.process.startsWith(`${processId}#`)) return [];
    const before = remote.get(event.process);
    const rooms = new Map(Object.entries(event.rooms));
    remote.set(event.process, { rooms, expiresAt: Date.now() + event.ttlMs });
    // Only rooms whose entry changed need a new snapshot: a heartbeat restating the same is free.
    const touched = new Set([...rooms.keys(), ...(before?.rooms.keys() ?? [])]);
    return [...touched].filter((room) => !sameEntry(before?.rooms.get(room), rooms.get(room)));
  }

  return {
    local,

    enter(room, username) {
      let s = local.get(room);
      if (!s) local.set(room, (s = { users: new Map(), guests: 0 }));
      if (username === null) s.guests++;
      else s.users.set(username, (s.users.get(username) ?? 0) + 1);
      return () => leave(room, username);
    },

    receive(event) {
      if (event.type === "presence") return receiveHeartbeat(event);
      if (event.type !== "typing") return [];
      let map = typists.get(event.room);
      if (!map) typists.set(event.room, (map = new Map()));
      if (event.active) map.set(event.username, Date.now() + event.ttlMs);
      else map.delete(event.username);
      return [event.room];
    },

    expireRemote(now) {
      const rooms: string[] = [];
      for (const [id, p] of remote) {
        if (p.expiresAt > now) continue;
        remote.delete(id);
        rooms.push(...p.rooms.keys());
      }
      return rooms;
    },

    expireTyping(now) {
      const rooms: string[] = [];
      let nextExpiry = Number.POSITIVE_INFINITY;
      for (const [room, map] of typists) {
        for (const [user, until] of map) {
          if (until <= now) {
            map.delete(user);
            rooms.push(room);
          } else nextExpiry = Math.min(nextExpiry, until);
        }
        if (map.size === 0) typists.delete(room);
      }
      return { rooms, nextExpiry };
    },

    isTyping: (room, username) => typists.get(room)?.has(username) ?? false,

    snapshot(room) {
      const users = new Set(local.get(room)?.users.keys());
      let guests = local.get(room)?.guests ?? 0;
      for (const p of remote.values()) {
        const r = p.rooms.get(room);
        if (!r) continue;
        for (const u of r.users) users.add(u);
        guests += r.guests;
      }
      const now = Date.now();
      const typing = [...(typists.get(room) ?? [])].filter(([, until]) => until > now).map(([u]) => u);
      return { room, users: [...users].sort(), guests, typing: typing.sort() };
    },
  };
}
