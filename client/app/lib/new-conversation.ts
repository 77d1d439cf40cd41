/**
 * Starting a direct conversation by name (the "New message" form, `/dm/<username>/`):
 * what the person typed, checked as the server would, and the server's refusals
 * in words. Pure, so `bun test` covers it.
 */
import type { Translate } from "../../../shared/i18n/index.ts";
import { Username } from "../../../shared/schemas.ts";
import { errorMessage } from "./api.ts";
import { codeOf } from "./room-access.ts";

export type PeerCheck = { ok: true; username: string } | { ok: false; error: string };

/** A username typed to message someone: "@ann" and " ann " are "ann"; yourself is refused. */
export function checkPeer(t: Translate, input: string, self: string | null | undefined): PeerCheck {
  const typed = input.trim().replace(/^@/, "");
  if (typed === "") return { ok: false, error: t("conversation.empty") };
  const parsed = Username.safeParse(typed);
  if (!parsed.success) return { ok: false, error: usernameProblem(t, parsed.error.issues[0]) };
  if (self && parsed.data.toLowerCase() === self.toLowerCase()) return { ok: false, error: t("conversation.self") };
  return { ok: true, username: parsed.data };
}

/** Which of Username's checks refused it, from the issue's code and bound. */
function usernameProblem(
  t: Translate,
  issue: { code: string; minimum?: unknown; maximum?: unknown } | undefined,
): string {
  if (issue?.code === "too_small") return t("conversation.usernameTooShort", { count: Number(issue.minimum) });
  if (issue?.code === "too_big") return t("conversation.usernameTooLong", { count: Number(issue.maximum) });
  if (issue?.code === "invalid_format") return t("conversation.usernameCharacters");
  return t("conversation.empty");
}

/** Why `dm.open` with `username` failed, as a sentence, from the error's code. */
export function conversationError(t: Translate, error: unknown, username: string): string {
  switch (codeOf(error)) {
    case "NOT_FOUND":
      return t("conversation.nobody", { username });
    case "UNAUTHORIZED":
      return t("conversation.signIn");
    default:
      // Worded from its reason where the server named one (a conversation with oneself: dmNeedsSomeoneElse).
      return errorMessage(error, t);
  }
}
