/**
 * Starting a direct conversation by name (the "New message" form, `/dm/<username>/`):
 * what the person typed, checked as the server would, and the server's refusals
 * in words. Pure, so `bun test` covers it.
 */
import { Username } from "../../../shared/schemas.ts";
import { errorMessage } from "./api.ts";
import { codeOf } from "./room-access.ts";

export const conversationText = {
  empty: "Enter the username of the person to message.",
  self: "That is you: enter someone else's username.",
  nobody: (username: string) => `Nobody is called “${username}”. Check the username.`,
  signIn: "Sign in to send direct messages.",
};

export type PeerCheck = { ok: true; username: string } | { ok: false; error: string };

/** A username typed to message someone: "@ann" and " ann " are "ann"; yourself is refused. */
export function checkPeer(input: string, self: string | null | undefined): PeerCheck {
  const typed = input.trim().replace(/^@/, "");
  if (typed === "") return { ok: false, error: conversationText.empty };
  const parsed = Username.safeParse(typed);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? conversationText.empty };
  if (self && parsed.data.toLowerCase() === self.toLowerCase()) return { ok: false, error: conversationText.self };
  return { ok: true, username: parsed.data };
}

/** Why `dm.open` with `username` failed, as a sentence, from the error's code. */
export function conversationError(error: unknown, username: string): string {
  switch (codeOf(error)) {
    case "NOT_FOUND":
      return conversationText.nobody(username);
    case "UNAUTHORIZED":
      return conversationText.signIn;
    default:
      // The server's own sentence (e.g. BAD_REQUEST for a conversation with oneself).
      return errorMessage(error);
  }
}
