/**
 * The account page's logic: the signed-in person's sessions and the password
 * change, on the typed client. The page only renders what this returns.
 */

import type { ParlorClient, RouterOutputs } from "@parlor/client";
import { createResource } from "solid-js";
import { ChangePasswordInput } from "../../../shared/account.ts";
import { formatFullTime } from "./format-time.ts";

export type AccountSession = RouterOutputs["auth"]["sessions"][number];

export interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  repeatPassword: string;
}

/** What is wrong with the form before it is sent, in words; null when it may go. */
export function passwordFormProblem(form: PasswordForm): string | null {
  const parsed = ChangePasswordInput.safeParse({
    currentPassword: form.currentPassword,
    newPassword: form.newPassword,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return issue?.path[0] === "newPassword"
      ? `New password: ${issue.message}`
      : (issue?.message ?? "Check the passwords.");
  }
  if (form.newPassword !== form.repeatPassword) return "The new passwords differ.";
  return null;
}

/** "1 other session was signed out." — what a password change did, for the page. */
export function passwordChangedNotice(endedSessions: number): string {
  const others =
    endedSessions === 0
      ? "No other session was"
      : endedSessions === 1
        ? "1 other session was"
        : `${endedSessions} other sessions were`;
  return `Password changed. ${others} signed out; this browser stays signed in.`;
}

/** "Active now", "Active 5 minutes ago", "Active 3 hours ago", then the date: when a session was last used. */
export function lastActiveText(iso: string | null, now: Date = new Date(), locale?: string): string {
  if (!iso) return "Not used since sessions were dated";
  const minutes = Math.floor((now.getTime() - Date.parse(iso)) / 60_000);
  // Written at most once a minute by the server: "now" covers that.
  if (minutes < 2) return "Active now";
  if (minutes < 60) return `Active ${minutes} minutes ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? "Active 1 hour ago" : `Active ${hours} hours ago`;
  return `Last active ${formatFullTime(iso, locale)}`;
}

/** "Firefox on Linux", "Safari", "on iOS", or "Unknown browser": what the User-Agent said at sign-in. */
export function deviceText(session: Pick<AccountSession, "browser" | "system">): string {
  if (session.browser && session.system) return `${session.browser} on ${session.system}`;
  return session.browser ?? (session.system ? `A browser on ${session.system}` : "Unknown browser");
}

/** One line of the session list, as a person reads it. */
export function describeSession(
  session: AccountSession,
  locale?: string,
  now: Date = new Date(),
): { label: string; device: string; address: string | null; active: string; since: string; expires: string } {
  return {
    label: session.current ? "This browser" : "Another device or browser",
    device: deviceText(session),
    address: session.address ? `From ${session.address}` : null,
    active: session.current ? "Active now" : lastActiveText(session.lastActiveAt, now, locale),
    since: session.createdAt
      ? `Signed in ${formatFullTime(session.createdAt, locale)}`
      : "Signed in before sessions were dated",
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
    /** Ends one other session (its sockets close on every process); the list reloads. */
    async endSession(id: string): Promise<void> {
      await client.auth.endSession.mutate({ id });
      await refetch();
    },
    /** Sets (null: clears) the picture, an uploaded image's id; resolves to the new profile. */
    updateAvatar: (avatar: string | null) => client.me.updateProfile.mutate({ avatar }),
    /** Sets (or, with "", clears) the display name; resolves to the new profile. */
    updateDisplayName: (displayName: string) =>
      client.me.updateProfile.mutate({ displayName: displayName.trim() === "" ? null : displayName }),
    /** Changes the password; resolves to the notice to show. Other sessions end on the server. */
    async changePassword(form: PasswordForm): Promise<string> {
      const { endedSessions } = await client.auth.changePassword.mutate({
        currentPassword: form.currentPassword,
        newPassword: form.newPassword,
      });
      await refetch();
      return passwordChangedNotice(endedSessions);
    },
  };
}
