/**
 * The CLI's account commands: register, login, logout, passwd, sessions, whoami.
 * The token a sign-in returns is kept in the credentials file, per server.
 */

import type { Command, CommandInput } from "./command.ts";
import { printable } from "./format.ts";
import { required, UsageError } from "./usage.ts";

function signIn(how: "register" | "login"): Command {
  return async ({ client, args, passwords, warnIfPlainHttp, saveSession, serverUrl }) => {
    const username = required(args, 0, "the username");
    const password = await passwords.read("Password: ", "PARLOR_PASSWORD");
    warnIfPlainHttp("your password");
    const { user, token } = await client.auth[how].mutate({ username, password });
    saveSession({ username: user.username, token });
    console.log(
      `${how === "register" ? "Registered and signed in" : "Signed in"} as ${printable(user.username)} on ${serverUrl}.`,
    );
  };
}

async function logout({ client, opts, signedIn, saveSession }: CommandInput) {
  if (opts.session !== undefined) {
    const current = (await client.auth.sessions.query()).find((s) => s.current)?.id;
    await client.auth.endSession.mutate({ id: opts.session });
    // Ending this very session is a logout: forget its token too.
    if (opts.session === current) saveSession(null);
    console.log(
      `Session ${printable(opts.session)} ended${opts.session === current ? " (it was this one: signed out)" : ""}.`,
    );
    return;
  }
  if (opts.all) {
    const { endedSessions } = await client.auth.logoutAll.mutate();
    saveSession(null);
    console.log(`Signed out everywhere (${endedSessions} session${endedSessions === 1 ? "" : "s"}).`);
    return;
  }
  if (signedIn) await client.auth.logout.mutate();
  saveSession(null);
  console.log("Signed out.");
}

async function passwd({ client, passwords, warnIfPlainHttp }: CommandInput) {
  const currentPassword = await passwords.read("Current password: ", "PARLOR_PASSWORD");
  const newPassword = await passwords.read("New password: ", "PARLOR_NEW_PASSWORD");
  if (process.stdin.isTTY && !process.env.PARLOR_NEW_PASSWORD) {
    if ((await passwords.read("New password again: ", "PARLOR_NEW_PASSWORD")) !== newPassword)
      throw new UsageError("The new passwords differ.");
  }
  warnIfPlainHttp("your password");
  const { endedSessions } = await client.auth.changePassword.mutate({ currentPassword, newPassword });
  const others = endedSessions === 1 ? "1 other session" : `${endedSessions} other sessions`;
  console.log(`Password changed. ${others} signed out; this one stays signed in.`);
}

/** One line per session: id, what signed in (browser on system), from where, since, last active, expiry; this one marked. */
async function sessions({ client }: CommandInput) {
  for (const s of await client.auth.sessions.query()) {
    const began = s.createdAt ? `since ${printable(s.createdAt)}` : "since (unknown)";
    const what = [s.browser, s.system].filter(Boolean).join(" on ") || "unknown client";
    const active = s.lastActiveAt ? `active ${printable(s.lastActiveAt)}` : "active (unknown)";
    console.log(
      `${printable(s.id)}\t${printable(what)}\tfrom ${printable(s.address ?? "(unknown)")}\t${began}\t${active}\texpires ${printable(s.expiresAt)}${s.current ? "\t(this one)" : ""}`,
    );
  }
}

async function whoami({ client }: CommandInput) {
  const me = await client.auth.me.query();
  console.log(me ? printable(me.username) : "Not signed in.");
}

export const accountCommands = {
  register: signIn("register"),
  login: signIn("login"),
  logout,
  passwd,
  sessions,
  whoami,
} satisfies Record<string, Command>;
