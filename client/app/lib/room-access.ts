/**
 * How the room page reads the server's refusals: a private room the caller
 * cannot see answers NOT_FOUND (the page then says "not found", exactly as for
 * a room that never existed); a stream ended by a kick, ban or leave answers
 * FORBIDDEN with the sentence to show ("You were removed from room 'x'.").
 */
import { TRPCClientError } from "@trpc/client";
import type { Translate } from "../../../shared/i18n/index.ts";

/** The tRPC code of a call's error ("NOT_FOUND", "FORBIDDEN", …); undefined for anything else. */
export function codeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  return data && typeof data === "object" && "code" in data && typeof data.code === "string" ? data.code : undefined;
}

export const isNotFound = (error: unknown) => codeOf(error) === "NOT_FOUND";

/**
 * How someone lost the room whose live stream ended with `error`: they left it,
 * were removed (kicked) or banned, or can no longer see it (NOT_FOUND: a resume
 * refused after losing a private room). Null when the error is not about access
 * (the page then offers a reload). The server says which in its FORBIDDEN message
 * (server/trpc/routers/stream-guard.ts), the one place that words it.
 */
export type RemovalKind = "left" | "removed" | "banned" | "hidden";

export function removalKind(error: unknown): RemovalKind | null {
  const code = codeOf(error);
  if (code === "NOT_FOUND") return "hidden";
  if (code !== "FORBIDDEN") return null;
  const message = error instanceof Error ? error.message : "";
  if (message.startsWith("You left")) return "left";
  if (message.startsWith("You were banned")) return "banned";
  return "removed";
}

/**
 * The sentence the room page shows for a removal from `label` ("#plans"). A direct
 * conversation is named by the other person (its `dm:` name is no name for a person).
 */
export function removalText(t: Translate, kind: RemovalKind, label: string, direct = false): string {
  if (direct) return t("roomPage.removedDirect", { user: label });
  const key = {
    left: "roomPage.removedLeft",
    removed: "roomPage.removedRemoved",
    banned: "roomPage.removedBanned",
    hidden: "roomPage.removedHidden",
  } as const;
  return t(key[kind], { room: label });
}

/** Whether the page offers Join after a removal: leaving or being removed from a public room can be undone by joining it again; a ban cannot. */
export const canRejoin = (kind: RemovalKind, visibility: "public" | "private" | undefined) =>
  visibility === "public" && (kind === "left" || kind === "removed");
