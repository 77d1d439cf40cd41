/** Room log values for tests that build events by hand (group layers, client folds). */
import type { MemberEntry } from "../../shared/room-log.ts";
import type { Message, RoomEvent } from "../../shared/schemas.ts";

/** A message as the server would send it, never changed: `text` is `m<seq>`. */
export const testMessage = (seq: number, fields: Partial<Message> = {}): Message => ({
  id: seq,
  room: "lobby",
  seq,
  sender: "ann",
  text: `m${seq}`,
  timestamp: new Date(0).toISOString(),
  editedAt: null,
  deleted: false,
  replyTo: null,
  reactions: [],
  attachments: [],
  ...fields,
});

/** The group-layer event that publishes message `seq` of `room`. */
export const messageEvent = (seq: number, room = "lobby"): RoomEvent => ({
  type: "entry",
  room,
  entry: { kind: "message", seq, message: testMessage(seq, { room }) },
});

/** The seq of a delivery that carries an entry, else its type. */
export const deliverySeq = (d: { type: string; entry?: { seq: number } }) =>
  d.type === "entry" ? d.entry!.seq : d.type;

/** A membership entry as the log carries it: `user` changed by `by` (a fixed time). */
export const testMemberEntry = (
  seq: number,
  change: MemberEntry["change"],
  user = "ben",
  by = "ann",
  role?: "moderator" | "member",
): MemberEntry => ({
  kind: "member",
  seq,
  user,
  change,
  by,
  at: "2026-11-23T10:00:00.000Z",
  ...(role ? { role } : {}),
});
