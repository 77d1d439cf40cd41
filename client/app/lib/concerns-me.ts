/**
 * Which messages concern the reader, as the server counts them in `mentions`
 * (server/chat/mentions.ts): one that names them (`@username`), one that
 * answers a message of theirs, and every message the other person sends in a
 * direct conversation. Never their own. Pure, so `bun test` covers it.
 */
import { mentions } from "../../../shared/room-log.ts";
import { isDmRoom, type Message } from "../../../shared/schemas.ts";

/** Why a message concerns the reader, or null: what the timeline tells assistive tech. */
export type Concern = "mention" | "reply" | "direct" | null;

export function concernOf(
  message: Pick<Message, "room" | "sender" | "text" | "deleted">,
  self: string | null | undefined,
  /** The sender of the message it answers, if it answers one (undefined while unknown). */
  repliedTo?: string | null,
): Concern {
  if (!self || message.deleted || message.sender.toLowerCase() === self.toLowerCase()) return null;
  if (mentions(message.text, self)) return "mention";
  if (repliedTo && repliedTo.toLowerCase() === self.toLowerCase()) return "reply";
  if (isDmRoom(message.room)) return "direct";
  return null;
}

/** What a screen reader hears after the sender's name. */
export const concernText: Record<Exclude<Concern, null>, string> = {
  mention: "mentions you",
  reply: "replies to you",
  direct: "to you",
};
