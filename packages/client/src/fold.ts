/**
 * `@parlor/client/fold`: a room's log folded into its messages, and the types of
 * both, without the client (no tRPC, no WebSocket): for code that only holds state.
 * Its one dependency is zod.
 */
export {
  applyChange,
  type ChangeEntry,
  foldEntries,
  type MemberEntry,
  mentionedNames,
  mentions,
  withReaction,
} from "../../../shared/room-log.ts";
// The types are zod's inferences from the schemas the server validates with; the schemas come
// along (`RoomEntry.parse(x)`), so that each name means at run time what its declaration says.
export { Attachment, Message, Reaction, RoomEntry, type RoomEntryKind } from "../../../shared/schemas.ts";
