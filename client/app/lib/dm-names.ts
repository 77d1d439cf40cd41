/**
 * Direct-message rooms are named `dm:<id>:<id>`; people know them by the other
 * person's name, which `room.members` gives. Looked up once per room and kept.
 * That name is shown as the person is called (their display name, people.ts),
 * and the conversation's address is `/dm/<their username>/`: no `dm:` id is
 * ever shown to a person.
 */

import type { ParlorClient } from "@parlor/client";
import { createContext, createSignal, useContext } from "solid-js";
import { isDmRoom, type RoomMember } from "../../../shared/schemas.ts";
import { roomPath } from "./room-name.ts";

/** The other person of a direct conversation; yourself if you are alone in it (the other left). */
export function dmPeer(members: readonly RoomMember[], self: string | null | undefined): string | null {
  return members.find((m) => m.username !== self)?.username ?? members[0]?.username ?? null;
}

/**
 * How a room is named in lists and titles: "#lobby", or the other person's name
 * for a direct conversation (`unnamed`, "Direct message" in the reader's
 * language, until that name is known).
 */
export function roomLabel(room: string, peer: string | null | undefined, unnamed: string): string {
  if (!isDmRoom(room)) return `#${room}`;
  return peer ?? unnamed;
}

/** The address of the direct conversation with `username`: `/dm/ann/` (opened, or started, by dm.open). */
export const dmPath = (username: string) => `/dm/${encodeURIComponent(username)}/`;

/** A room's address: a direct conversation's by its peer once known, any other room's by name. */
export function conversationPath(room: string, peer: string | null | undefined): string {
  return isDmRoom(room) && peer ? dmPath(peer) : roomPath(room);
}

/**
 * `nameOf` says how a person is called (display name, else username); the
 * default is the username. `unnamed` labels a direct conversation whose other
 * person is not known yet, in the reader's language.
 */
export function createDmNames(
  client: ParlorClient,
  self: () => string | null | undefined,
  nameOf: (username: string) => string = (u) => u,
  unnamed: () => string = () => "Direct message",
) {
  const [names, setNames] = createSignal<ReadonlyMap<string, string>>(new Map());
  const asked = new Set<string>();

  function lookUp(room: string) {
    // Who is "the other" is only known once the session is: asked before, the peer could be yourself.
    if (asked.has(room) || self() === undefined) return;
    asked.add(room);
    client.room.members
      .query({ room })
      .then((members) => {
        const peer = dmPeer(members, self());
        if (peer) setNames((m) => new Map(m).set(room, peer));
      })
      // Shown as `unnamed` meanwhile; asked again the next time it is shown.
      .catch(() => asked.delete(room));
  }

  return {
    /** The label of `room`; for a direct conversation, its peer's name once known. */
    label(room: string): string {
      if (!isDmRoom(room)) return roomLabel(room, null, "");
      lookUp(room);
      const peer = names().get(room);
      return roomLabel(room, peer === undefined ? null : nameOf(peer), unnamed());
    },
    /** Where `room` opens: `/dm/<peer>/` for a direct conversation (once its peer is known), else `/room/<name>/`. */
    path: (room: string) =>
      isDmRoom(room) ? (lookUp(room), conversationPath(room, names().get(room))) : roomPath(room),
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
