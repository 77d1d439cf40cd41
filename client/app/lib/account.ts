/**
 * The account page's logic: the signed-in person's sessions and the password
 * change, on the typed client. The page only renders what this returns.
 */

import type { ParlorClient, RouterOutputs } from "@parlor/client";
import { createResource } from "solid-js";
import { ChangePasswordInput } from "../../../shared/account.ts";
import type { Translate } from "../../../shared/i18n/index.ts";
import { formatFullTime } from "./format-time.ts";

export type AccountSession = RouterOutputs["auth"]["sessions"][number];

export interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  repeatPassword: string;
}

/** What is wrong with the form before it is sent, in words; null when it may go. */
export function passwordFormProblem(t: Translate, form: PasswordForm): string | null {
  const parsed = ChangePasswordInput.safeParse({
    currentPassword: form.currentPassword,
    newPassword: form.newPassword,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The bound the schema broke, for the sentence: zod puts it on the issue as `minimum` / `maximum`.
    const count = Number(issue && "minimum" in issue ? issue.minimum : issue && "maximum" in issue ? issue.maximum : 0);
    if (issue?.path[0] === "newPassword") {
      return issue.code === "too_small"
        ? t("passwordForm.newTooShort", { count })
        : t("passwordForm.newTooLong", { count });
    }
    if (issue?.code === "too_small") return t("passwordForm.enterCurrent");
    if (issue?.code === "too_big") return t("passwordForm.currentTooLong", { count });
    return t("passwordForm.check");
  }
  if (form.newPassword !== form.repeatPassword) return t("errors.passwordsDiffer");
  return null;
}

/** "1 other session was signed out." — what a password change did, for the page. */
export function passwordChangedNotice(t: Translate, endedSessions: number): string {
  return endedSessions === 0 ? t("passwordForm.changedNone") : t("passwordForm.changed", { count: endedSessions });
}

/** "Active now", "Active 5 minutes ago", "Active 3 hours ago", then the date: when a session was last used. */
export function lastActiveText(t: Translate, iso: string | null, now: Date = new Date(), locale?: string): string {
  if (!iso) return t("sessions.notDated");
  const minutes = Math.floor((now.getTime() - Date.parse(iso)) / 60_000);
  // Written at most once a minute by the server: "now" covers that.
  if (minutes < 2) return t("sessions.activeNow");
  if (minutes < 60) return t("sessions.activeMinutes", { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t("sessions.activeHours", { count: hours });
  return t("sessions.lastActive", { when: formatFullTime(iso, locale) });
}

/** "Firefox on Linux", "Safari", "on iOS", or "Unknown browser": what the User-Agent said at sign-in. */
export function deviceText(t: Translate, session: Pick<AccountSession, "browser" | "system">): string {
  if (session.browser && session.system) {
    return t("sessions.browserOnSystem", { browser: session.browser, system: session.system });
  }
  if (session.browser) return session.browser;
  return session.system ? t("sessions.aBrowserOn", { system: session.system }) : t("sessions.unknownBrowser");
}

/** One line of the session list, as a person reads it. */
export function describeSession(
  t: Translate,
  session: AccountSession,
  locale?: string,
  now: Date = new Date(),
): { label: string; device: string; address: string | null; active: string; since: string; expires: string } {
  return {
    label: session.current ? t("sessions.thisBrowser") : t("sessions.otherDevice"),
    device: deviceText(t, session),
    address: session.address ? t("sessions.from", { address: session.address }) : null,
    active: session.current ? t("sessions.activeNow") : lastActiveText(t, session.lastActiveAt, now, locale),
    since: session.createdAt
      ? t("sessions.signedIn", { when: formatFullTime(session.createdAt, locale) })
      : t("sessions.signedInUndated"),
    expires: t("sessions.expires", { when: formatFullTime(session.expiresAt, locale) }),
  };
}

/** The account of whoever is signed in: `signedIn` is the user's id (or null), so the list reloads on sign-in. */
export function createAccount(client: ParlorClient, signedIn: () => number | null | undefined, t: Translate) {
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
      return passwordChangedNotice(t, endedSessions);
    },
  };
}
