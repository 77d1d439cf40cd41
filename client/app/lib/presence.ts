/**
 * Who is in a room, as the room page words it: the list of people present,
 * "ann is typing…", "ann joined". Pure functions over `room.presence`
 * snapshots, so `bun test` covers the wording; the timing lives in
 * presence-notices.ts and typing-signal.ts.
 */
import type { Translate } from "../../../shared/i18n/index.ts";
import type { RoomPresence } from "../../../shared/schemas.ts";

export type { RoomPresence };

/** The line under the messages: who else is typing. Empty when nobody (but perhaps yourself) is. */
export function typingLine(t: Translate, typing: readonly string[], self: string | null | undefined): string {
  const [first, second, ...rest] = typing.filter((name) => name !== self);
  if (first === undefined) return "";
  if (second === undefined) return t("presence.typingOne", { name: first });
  if (rest.length === 0) return t("presence.typingTwo", { first, second });
  return t("presence.typingMany");
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
export function listNames(t: Translate, names: readonly string[], max = 3): string {
  if (names.length <= 1) return names[0] ?? "";
  if (names.length <= max) return t("presence.namesAnd", { names: names.slice(0, -1).join(", "), last: names.at(-1)! });
  const count = names.length - (max - 1);
  return t("presence.namesAndOthers", { names: names.slice(0, max - 1).join(", "), count });
}

/** One short sentence for a batch of arrivals and departures: "ann joined", "ann and ben joined; carl left". */
export function describeChange(t: Translate, change: PresenceChange): string {
  const joined = listNames(t, change.joined);
  const left = listNames(t, change.left);
  if (joined && left) return t("presence.joinedAndLeft", { joined, left });
  if (joined) return t("presence.joined", { names: joined, count: change.joined.length });
  return left ? t("presence.left", { names: left, count: change.left.length }) : "";
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

export const guestsLabel = (t: Translate, guests: number) => t("presence.guests", { count: guests });
