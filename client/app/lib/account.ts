/**
 * The account page's logic: the signed-in person's sessions and the password
 * change, on the typed client. The page only renders what this returns.
 */
import { createResource } from "solid-js";
import { ChangePasswordInput } from "../../../shared/account.ts";
import type { ParlorClient, RouterOutputs } from "../../parlor-client.ts";
import { formatFullTime } from "./format-time.ts";

export type AccountSession = RouterOutputs["auth"]["sessions"][number];

export interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  repeatPassword: string;
}

/** What is wrong with the form before it is sent, in words; null when it may go. */
export function passwordFormProblem(form: PasswordForm): string | null {
  const parsed = ChangePasswordInput.safeParse({ currentPassword: form.currentPassword, newPassword: form.newPassword });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return issue?.path[0] === "newPassword" ? `New password: ${issue.message}` : (issue?.message ?? "Check the passwords.");
  }
  if (form.newPassword !== form.repeatPassword) return "The new passwords differ.";
  return null;
}

/** "1 other session was signed out." — what a password change did, for the page. */
export function passwordChangedNotice(endedSessions: number): string {
  const others = endedSessions === 0 ? "No other session was" : endedSessions === 1 ? "1 other session was" : `${endedSessions} other sessions were`;
  return `Password changed. ${others} signed out; this browser stays signed in.`;
}

/** One line of the session list, as a person reads it. */
export function describeSession(session: AccountSession, locale?: string): { label: string; since: string; expires: string } {
  return {
    label: session.current ? "This browser" : "Another device or browser",
    since: session.createdAt ? `Signed in ${formatFullTime(session.createdAt, locale)}` : "Signed in before sessions were dated",
    expires: `Expires ${formatFullTime(session.expiresAt, locale)} unless used`,
  };
}

/** The account of whoever is signed in: `signedIn` is the user's id (or null), so the list reloads on sign-in. */
export function createAccount(client: ParlorClient, signedIn: () => number | null | undefined) {
  const [sessions, { refetch }] = createResource(
    () => signedIn() ?? false,
    () => client.auth.sessions.query(),
  );
  return {
    sessions,
    reloadSessions: () => refetch(),
    /** Changes the password; resolves to the notice to show. Other sessions end on the server. */
    async changePassword(form: PasswordForm): Promise<string> {
      const { endedSessions } = await client.auth.changePassword.mutate({ currentPassword: form.currentPassword, newPassword: form.newPassword });
      await refetch();
      return passwordChangedNotice(endedSessions);
    },
  };
}
