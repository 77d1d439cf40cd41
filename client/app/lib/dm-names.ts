/**
 * Direct-message rooms are named `dm:<id>:<id>`; people know them by the other
 * person's name, which `room.members` gives. Looked up once per room and kept.
 */
import { createContext, createSignal, useContext } from "solid-js";
import { isDmRoom, type RoomMember } from "../../../shared/schemas.ts";
import type { ParlorClient } from "@parlor/client";

/** The other person of a direct conversation; yourself if you are alone in it (the other left). */
export function dmPeer(members: readonly RoomMember[], self: string | null | undefined): string | null {
  return members.find((m) => m.username !== self)?.username ?? members[0]?.username ?? null;
}

/** How a room is named in lists and titles: "#lobby", or the other person's name for a direct conversation. */
export function roomLabel(room: string, peer: string | null | undefined): string {
  if (!isDmRoom(room)) return `#${room}`;
  return peer ?? "Direct message";
}

export function createDmNames(client: ParlorClient, self: () => string | null | undefined) {
  const [names, setNames] = createSignal<ReadonlyMap<string, string>>(new Map());
  const asked = new Set<string>();

  function lookUp(room: string) {
    if (asked.has(room)) return;
    asked.add(room);
    client.room.members
      .query({ room })
      .then((members) => {
        const peer = dmPeer(members, self());
        if (peer) setNames((m) => new Map(m).set(room, peer));
      })
      // Shown as "Direct message" meanwhile; asked again the next time it is shown.
      .catch(() => asked.delete(room));
  }

  return {
    /** The label of `room`; for a direct conversation, its peer's name once known. */
    label(room: string): string {
      if (!isDmRoom(room)) return roomLabel(room, null);
      lookUp(room);
      return roomLabel(room, names().get(room));
    },
    /** The other person of a direct conversation, once known. */
    peer: (room: string) => (isDmRoom(room) ? (lookUp(room), names().get(room) ?? null) : null),
  };
}

export type DmNames = ReturnType<typeof createDmNames>;

export const DmNamesContext = createContext<DmNames>();

export function useDmNames(): DmNames {
  const names = useContext(DmNamesContext);
  if (!names) throw new Error("useDmNames() outside <DmNamesContext.Provider>");
  return names;
}
