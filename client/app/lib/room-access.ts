/**
 * How the room page reads the server's refusals: a private room the caller
 * cannot see answers NOT_FOUND (the page then says "not found", exactly as for
 * a room that never existed); a stream ended by a kick, ban or leave answers
 * FORBIDDEN with the sentence to show ("You were removed from room 'x'.").
 */
import { TRPCClientError } from "@trpc/client";
import { isDmRoom } from "../../../shared/schemas.ts";

/** The tRPC code of a call's error ("NOT_FOUND", "FORBIDDEN", …); undefined for anything else. */
export function codeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  return data && typeof data === "object" && "code" in data && typeof data.code === "string" ? data.code : undefined;
}

export const isNotFound = (error: unknown) => codeOf(error) === "NOT_FOUND";

/**
 * What to tell someone whose live stream of the room ended with `error`, or
 * null when the error is not about access (the page then offers a reload).
 * NOT_FOUND here is a resume refused after losing access to a private room.
 */
export function removalNotice(error: unknown, room: string, label?: string): string | null {
  const code = codeOf(error);
  // The server's sentence names the room; a direct conversation's name (`dm:1:2`) is no name for a person.
  if (label !== undefined && isDmRoom(room))
    return code === "FORBIDDEN" || code === "NOT_FOUND" ? `You are no longer in the conversation with ${label}.` : null;
  if (code === "FORBIDDEN") return error instanceof Error && error.message ? error.message : `You were removed from room '${room}'.`;
  if (code === "NOT_FOUND") return `You no longer have access to room '${room}'.`;
  return null;
}
