/**
 * Who may post a message in a room, decided by the store under the room row's
 * lock (the access seam checked before, but a room may have changed since):
 * a private room takes messages from its members only; a sender who is not a
 * member of a public room joins it by sending, unless it is full; a reply
 * answers a message of the room that is not deleted. One function for a send
 * and for a group commit's many: a single send is a batch of one.
 */
import { InvalidRequestError, roomNotFound } from "../errors/domain-errors.ts";

/** What the rules know of a room, read under its lock. */
export interface RoomState {
  /** "public" or "private"; null when the room does not exist yet (the first send creates it, public). */
  visibility: string | null;
  memberCount: number;
  /** The senders (of those asking) who are members already. */
  members: ReadonlySet<number>;
  /** The asked-for reply targets that can be answered: messages of the room, not deleted. */
  answerable: ReadonlySet<number>;
}

export interface Candidate {
  senderId: number;
  replyTo?: number | undefined;
  /** A public room's members at most; unset: no cap. */
  maxMembers?: number | undefined;
}

export interface Admission {
  /** The indexes of the messages let in, in order. */
  admitted: number[];
  /** Why each other one was refused, by index. */
  refused: Map<number, unknown>;
  /** Senders who become members of the (public) room by sending. */
  joining: Set<number>;
}

/**
 * The seam's answer for a private room one is not in: NOT_FOUND, as for a name
 * never used (the seam may have seen the name unused before a
 * `room.create(private)` committed).
 */
export function requireMayPostIn(room: string, visibility: string, isMember: boolean): void {
  if (visibility !== "public" && !isMember) throw roomNotFound(room);
}

/** Decides, in order, which of a room's candidate messages are let in; each refused one gets its own error. */
export function admit(room: string, state: RoomState, candidates: readonly Candidate[]): Admission {
  const admission: Admission = { admitted: [], refused: new Map(), joining: new Set() };
  const isPublic = state.visibility === null || state.visibility === "public";
  let memberCount = state.memberCount;
  candidates.forEach((m, i) => {
    try {
      const member = state.members.has(m.senderId) || admission.joining.has(m.senderId);
      requireMayPostIn(room, state.visibility ?? "public", member);
      const joins = isPublic && !member;
      if (joins && m.maxMembers !== undefined && memberCount >= m.maxMembers) {
        throw new InvalidRequestError(`Room '${room}' is full (${m.maxMembers} members).`, {
          reason: "roomFull",
          params: { count: m.maxMembers },
        });
      }
      if (m.replyTo !== undefined && !state.answerable.has(m.replyTo)) {
        throw new InvalidRequestError(
          `'replyTo' ${m.replyTo} is not a message of room '${room}' that can be answered.`,
          { reason: "replyGone" },
        );
      }
      if (joins) {
        admission.joining.add(m.senderId);
        memberCount++;
      }
      admission.admitted.push(i);
    } catch (error) {
      admission.refused.set(i, error);
    }
  });
  return admission;
}
