/**
 * Who is in a room, as the room page words it: the list of people present,
 * "ann is typing…", "ann joined". Pure functions over `room.presence`
 * snapshots, so `bun test` covers the wording; the timing lives in
 * presence-notices.ts and typing-signal.ts.
 */
import type { RoomPresence } from "../../../shared/schemas.ts";

export type { RoomPresence };

/** The line under the messages: who else is typing. Empty when nobody (but perhaps yourself) is. */
export function typingLine(typing: readonly string[], self: string | null | undefined): string {
  const others = typing.filter((name) => name !== self);
  if (others.length === 0) return "";
  if (others.length === 1) return `${others[0]} is typing…`;
  if (others.length === 2) return `${others[0]} and ${others[1]} are typing…`;
  return "several people are typing…";
}

export interface PresenceChange {
  joined: string[];
  left: string[];
}

/** Who arrived and who went between two lists of users, yourself left out. */
export function diffPresent(
  before: readonly string[],
  after: readonly string[],
  self: string | null | undefined,
): PresenceChange {
  const was = new Set(before);
  const is = new Set(after);
  return {
    joined: after.filter((name) => !was.has(name) && name !== self),
    left: before.filter((name) => !is.has(name) && name !== self),
  };
}

/** "ann", "ann and ben", "ann, ben and carl", "ann, ben and 3 others". */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length <= 1) return names[0] ?? "";
  if (names.length <= max) return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  const rest = names.length - (max - 1);
  return `${names.slice(0, max - 1).join(", ")} and ${rest} others`;
}

/** One short sentence for a batch of arrivals and departures: "ann joined", "ann and ben joined; carl left". */
export function describeChange(change: PresenceChange): string {
  const parts: string[] = [];
  if (change.joined.length) parts.push(`${listNames(change.joined)} joined`);
  if (change.left.length) parts.push(`${listNames(change.left)} left`);
  return parts.join("; ");
}

export interface PresentList {
  /** Names to show, yourself first, then alphabetical (as the server sorts them). */
  shown: string[];
  /** Signed-in users present but not shown, beyond `max`. */
  more: number;
  guests: number;
  /** Everyone present, guests included. */
  total: number;
}

/** The presence list as shown: a long room shows the first `max` names and a count of the rest. */
export function presentList(presence: RoomPresence, self: string | null | undefined, max = 20): PresentList {
  const ordered =
    self && presence.users.includes(self)
      ? [self, ...presence.users.filter((name) => name !== self)]
      : presence.users.slice();
  return {
    shown: ordered.slice(0, max),
    more: Math.max(0, ordered.length - max),
    guests: presence.guests,
    total: presence.users.length + presence.guests,
  };
}

export const guestsLabel = (guests: number) => (guests === 1 ? "1 guest" : `${guests} guests`);

/** For the index page: "2 here now", nothing for an empty room. */
export const hereNowLabel = (present: number) => (present > 0 ? `${present} here now` : "");
