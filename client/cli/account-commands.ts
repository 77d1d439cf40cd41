/**
 * The CLI's account commands: register, login, logout, passwd, sessions, whoami.
 * The token a sign-in returns is kept in the credentials file, per server.
 */

import type { Command, CommandInput } from "./command.ts";
import { printable } from "./format.ts";
import { required, UsageError } from "./usage.ts";

function signIn(how: "register" | "login"): Command {
  return async ({ client, args, passwords, warnIfPlainHttp, saveSession, serverUrl, t }) => {
    const username = required(args, 0, "cli.argUsername");
    const password = await passwords.read(t("cli.promptPassword"), "PARLOR_PASSWORD");
    warnIfPlainHttp(t("cli.yourPassword"));
    const { user, token } = await client.auth[how].mutate({ username, password });
    saveSession({ username: user.username, token });
    console.log(
      t(how === "register" ? "cli.registered" : "cli.signedIn", { user: printable(user.username), url: serverUrl }),
    );
  };
}

async function logout({ client, opts, signedIn, saveSession, t }: CommandInput) {
  if (opts.session !== undefined) {
    const current = (await client.auth.sessions.query()).find((s) => s.current)?.id;
    await client.auth.endSession.mutate({ id: opts.session });
    // Ending this very session is a logout: forget its token too.
    if (opts.session === current) saveSession(null);
    console.log(
      t(opts.session === current ? "cli.sessionEndedThis" : "cli.sessionEnded", { id: printable(opts.session) }),
    );
    return;
  }
  if (opts.all) {
    const { endedSessions } = await client.auth.logoutAll.mutate();
    saveSession(null);
    console.log(t("cli.signedOutEverywhere", { count: endedSessions }));
    return;
  }
  if (signedIn) await client.auth.logout.mutate();
  saveSession(null);
  console.log(t("cli.signedOut"));
}

async function passwd({ client, passwords, warnIfPlainHttp, t }: CommandInput) {
  const currentPassword = await passwords.read(t("cli.promptCurrentPassword"), "PARLOR_PASSWORD");
  const newPassword = await passwords.read(t("cli.promptNewPassword"), "PARLOR_NEW_PASSWORD");
  if (process.stdin.isTTY && !process.env.PARLOR_NEW_PASSWORD) {
    if ((await passwords.read(t("cli.promptNewPasswordAgain"), "PARLOR_NEW_PASSWORD")) !== newPassword)
      throw new UsageError((t) => t("errors.passwordsDiffer"));
  }
  warnIfPlainHttp(t("cli.yourPassword"));
  const { endedSessions } = await client.auth.changePassword.mutate({ currentPassword, newPassword });
  console.log(t("cli.passwordChanged", { count: endedSessions }));
}

/** One line per session: id, what signed in (browser on system), from where, since, last active, expiry; this one marked. */
async function sessions({ client, t }: CommandInput) {
  for (const s of await client.auth.sessions.query()) {
    const began = s.createdAt ? t("cli.sessionSince", { when: printable(s.createdAt) }) : t("cli.sessionSinceUnknown");
    const what =
      s.browser && s.system
        ? t("cli.sessionClient", { browser: s.browser, system: s.system })
        : s.browser || s.system || t("cli.sessionUnknownClient");
    const active = s.lastActiveAt
      ? t("cli.sessionActive", { when: printable(s.lastActiveAt) })
      : t("cli.sessionActiveUnknown");
    const fields = [
      printable(s.id),
      printable(what),
      t("cli.sessionFrom", { address: printable(s.address ?? t("cli.unknown")) }),
      began,
      active,
      t("cli.sessionExpires", { when: printable(s.expiresAt) }),
    ];
    if (s.current) fields.push(t("cli.thisOne"));
    console.log(fields.join("\t"));
  }
}

async function whoami({ client, t }: CommandInput) {
  const me = await client.auth.me.query();
  console.log(me ? printable(me.username) : t("cli.notSignedIn"));
}

export const accountCommands = {
  register: signIn("register"),
  login: signIn("login"),
  logout,
  passwd,
  sessions,
  whoami,
} satisfies Record<string, Command>;
