/**
 * `bun run chat -- <command>`: Parlor from a terminal, on the same typed client
 * as the web app. Run with no command for help.
 */
import { parseArgs } from "node:util";
import { TRPCClientError } from "@trpc/client";
import { createReadMarker, type ReadMarker } from "../../shared/read-marker.ts";
import type { RoomPresence } from "../../shared/schemas.ts";
import { createParlorClient, type ParlorClient } from "../parlor-client.ts";
import { credentialsPath, loadSession, saveSession, UnsafeCredentialsFileError } from "./credentials.ts";
import { formatChange, formatMessage, printable, printableJson } from "./format.ts";
import { createPasswordReader } from "./password.ts";
import { isRoomCommand, resolveRoom, roomCommands } from "./room-commands.ts";
import { plainHttpWarning } from "./transport.ts";
import { UsageError } from "./usage.ts";
import { exportRoom, formatHit } from "./room-export.ts";

const HELP = `Parlor chat from the command line.

Usage: bun run chat -- <command> [arguments] [options]

Commands:
  register <username>               create an account and sign in
  login <username>                  sign in (the password comes from PARLOR_PASSWORD, a prompt or stdin)
  logout [--all]                    end the session (--all: every session of yours, on every device)
  whoami                            who this terminal is signed in as
  passwd                            change your password (current, then new: PARLOR_PASSWORD and
                                    PARLOR_NEW_PASSWORD, prompts, or two lines of stdin); your
                                    other sessions are signed out, this one stays
  sessions                          your sessions: when each began and expires, this one marked
  send <room> <text…> [--reply <seq>]
                                    send a message ("-" reads the text from stdin); --reply answers message <seq>
  edit <room> <seq> <text…>         change the text of your message <seq> ("-" reads it from stdin)
  delete <room> <seq>               delete message <seq>: yours, or anyone's in a room you moderate
                                    (it stays as "(deleted)")
  react <room> <seq> <emoji> [--remove]
                                    add your emoji to message <seq>, or take it back
  history <room> [--before <seq>] [--limit <n>] [--json]
                                    a page of messages, oldest at the top
  tail <room> [--lines <n>]         the last n messages (default 10), then the room live (new messages,
                                    edits, deletes, reactions); Ctrl-C stops; when signed in, what it
                                    printed is marked read
  who <room>                        who is in the room now, and who is typing
  rooms                             your rooms (🔒: members only) with unread messages and mentions,
                                    then the most recently active public rooms

Rooms (in send, history, tail, info and members, <room> may be @username: your conversation with them):
  create <room> [--private] [--topic <text>]
                                    a new room, you its owner; a private one only its members see
  info <room>                       visibility, topic, owner, member count, your role
  members <room>                    who is a member, with their roles
  invite <room> <username>          add someone to a private room (owner, moderators)
  kick <room> <username>            remove a member (owner, moderators)
  ban <room> <username>             remove and keep out (owner, moderators)
  unban <room> <username>           let a banned user back (owner, moderators)
  role <room> <username> moderator|member
                                    make a member a moderator, or back (owner)
  topic <room> [<text…>]            set the topic, or clear it with no text (owner, moderators)
  leave <room>                      leave a room (the owner cannot)
  dm <username>                     your direct conversation with someone: its room, how to send to it
  search <words…> [--room <room>] [--before <id>] [--limit <n>] [--json]
                                    messages with all these words, newest first, in rooms you can read
  export <room>                     every message of the room as JSON lines, newest first

Options:
  --url <url>    the server (default: PARLOR_URL, else http://localhost:3000)
  -h, --help     this text

The session token is saved in ${credentialsPath()} (PARLOR_TOKEN overrides it).`;

const { values: opts, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        url: { type: "string" },
        before: { type: "string" },
        limit: { type: "string" },
        lines: { type: "string" },
        room: { type: "string" },
        json: { type: "boolean" },
        reply: { type: "string" },
        remove: { type: "boolean" },
        all: { type: "boolean" },
        private: { type: "boolean" },
        topic: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
})();

const serverUrl = opts.url ?? process.env.PARLOR_URL ?? "http://localhost:3000";
const store = credentialsPath();
const saved = (() => {
  try {
    return loadSession(store, serverUrl);
  } catch (error) {
    if (!(error instanceof UnsafeCredentialsFileError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
})();
const token = process.env.PARLOR_TOKEN || saved?.token;
const passwords = createPasswordReader();

/** Says so on stderr when `what` is about to cross the network unencrypted. */
function warnIfPlainHttp(what: string) {
  const warning = plainHttpWarning(serverUrl, what);
  if (warning) console.error(warning);
}

function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, not '${value}'.`);
  return Number(value);
}

/** A message's seq as history prints it: `12` or `#12`. */
function seqArg(index: number): number {
  const value = arg(index, "the message's seq (the #number history shows)");
  if (!/^#?\d+$/.test(value)) throw new UsageError(`A message's seq is a whole number (the #number history shows), not '${value}'.`);
  return Number(value.replace("#", ""));
}

function arg(index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined) throw new UsageError(`Missing ${what}.`);
  return value;
}

/** The words from `from` on as one text; a lone "-" reads it from stdin. */
async function textFrom(from: number): Promise<string> {
  const words = positionals.slice(from);
  return words.length === 1 && words[0] === "-" ? await readAll() : words.join(" ");
}

async function readAll(): Promise<string> {
  return (await Bun.stdin.text()).replace(/\n$/, "");
}

async function signIn(client: ParlorClient, how: "register" | "login") {
  const username = arg(1, "the username");
  const password = await passwords.read("Password: ", "PARLOR_PASSWORD");
  warnIfPlainHttp("your password");
  const { user, token } = await client.auth[how].mutate({ username, password });
  saveSession(store, serverUrl, { username: user.username, token });
  console.log(`${how === "register" ? "Registered and signed in" : "Signed in"} as ${printable(user.username)} on ${serverUrl}.`);
}

async function changePassword(client: ParlorClient) {
  const currentPassword = await passwords.read("Current password: ", "PARLOR_PASSWORD");
  const newPassword = await passwords.read("New password: ", "PARLOR_NEW_PASSWORD");
  if (process.stdin.isTTY && !process.env.PARLOR_NEW_PASSWORD) {
    if ((await passwords.read("New password again: ", "PARLOR_NEW_PASSWORD")) !== newPassword) throw new UsageError("The new passwords differ.");
  }
  warnIfPlainHttp("your password");
  const { endedSessions } = await client.auth.changePassword.mutate({ currentPassword, newPassword });
  const others = endedSessions === 1 ? "1 other session" : `${endedSessions} other sessions`;
  console.log(`Password changed. ${others} signed out; this one stays signed in.`);
}

/** Prints the room live until Ctrl-C; resolves when the subscription ends. Each entry printed is told to `marker`. */
function tail(client: ParlorClient, room: string, lastEventId: string, marker: ReadMarker | null) {
  return new Promise<void>((resolve, reject) => {
    const sub = client.room.messages.subscribe(
      { room, lastEventId },
      {
        onStarted: () => console.error(`-- live in ${room} (Ctrl-C to stop) --`),
        onData: ({ data }) => {
          console.log(data.kind === "message" ? formatMessage(data.message) : formatChange(data));
          marker?.seen(data.seq);
        },
        onError: (error) => {
          sub.unsubscribe();
          reject(error);
        },
        onComplete: () => resolve(),
      },
    );
    process.once("SIGINT", () => {
      sub.unsubscribe();
      resolve();
    });
  });
}

/** Marks what `tail` printed in `room` as read; a refusal is said once on stderr, and tail goes on. */
function readMarkerFor(client: ParlorClient, room: string): ReadMarker {
  return createReadMarker({
    markRead: (seq) => client.room.markRead.mutate({ room, seq }),
    onError: (error) => {
      console.error(`-- not marking ${printable(room)} as read: ${printable(error instanceof Error ? error.message : String(error))} --`);
      return "stop";
    },
  });
}

/** The room's presence as of now (asking counts this terminal in, as a guest or as you). */
function firstPresence(client: ParlorClient, room: string) {
  return new Promise<RoomPresence>((resolve, reject) => {
    const sub = client.room.presence.subscribe(
      { room },
      {
        onData: (snapshot) => {
          sub.unsubscribe();
          resolve(snapshot);
        },
        onError: reject,
      },
    );
  });
}

async function run(): Promise<void> {
  const command = positionals[0];
  if (opts.help || !command) {
    console.log(HELP);
    return;
  }
  if (token) warnIfPlainHttp("your session token");
  const client = createParlorClient({ url: serverUrl, token });
  switch (command) {
    case "register":
    case "login":
      return signIn(client, command);
    case "logout":
      if (opts.all) {
        const { endedSessions } = await client.auth.logoutAll.mutate();
        saveSession(store, serverUrl, null);
        console.log(`Signed out everywhere (${endedSessions} session${endedSessions === 1 ? "" : "s"}).`);
        return;
      }
      if (token) await client.auth.logout.mutate();
      saveSession(store, serverUrl, null);
      console.log("Signed out.");
      return;
    case "passwd":
      return changePassword(client);
    case "sessions": {
      for (const s of await client.auth.sessions.query()) {
        const began = s.createdAt ? `since ${printable(s.createdAt)}` : "since (unknown)";
        console.log(`${printable(s.id)}\t${began}\texpires ${printable(s.expiresAt)}${s.current ? "\t(this one)" : ""}`);
      }
      return;
    }
    case "whoami": {
      const me = await client.auth.me.query();
      console.log(me ? printable(me.username) : "Not signed in.");
      return;
    }
    case "send": {
      const room = await resolveRoom(client, arg(1, "the room"));
      const text = await textFrom(2);
      const replyTo = opts.reply === undefined ? undefined : wholeNumber("reply", opts.reply.replace(/^#/, ""));
      const message = await client.room.send.mutate(replyTo === undefined ? { room, text } : { room, text, replyTo });
      console.log(formatMessage(message));
      return;
    }
    case "edit": {
      const room = arg(1, "the room");
      const seq = seqArg(2);
      const message = await client.room.edit.mutate({ room, seq, text: await textFrom(3) });
      console.log(formatMessage(message));
      return;
    }
    case "delete": {
      const room = arg(1, "the room");
      const seq = seqArg(2);
      await client.room.delete.mutate({ room, seq });
      console.log(`Deleted #${seq} in ${printable(room)}.`);
      return;
    }
    case "react": {
      const room = arg(1, "the room");
      const seq = seqArg(2);
      const emoji = arg(3, "the emoji");
      const message = await client.room.react.mutate({ room, seq, emoji, add: !opts.remove });
      console.log(formatMessage(message));
      return;
    }
    case "history": {
      const room = await resolveRoom(client, arg(1, "the room"));
      const page = await client.room.history.query({ room, before: wholeNumber("before", opts.before), limit: wholeNumber("limit", opts.limit) });
      if (opts.json) {
        console.log(printableJson(page));
        return;
      }
      if (page.messages.length === 0) console.error(`No messages in ${printable(room)}${opts.before ? ` before #${printable(opts.before)}` : ""}.`);
      for (const m of [...page.messages].reverse()) console.log(formatMessage(m));
      if (page.nextCursor !== null) console.error(`-- older: bun run chat -- history ${room} --before ${page.nextCursor} --`);
      return;
    }
    case "tail": {
      const room = await resolveRoom(client, arg(1, "the room"));
      const lines = Math.min(wholeNumber("lines", opts.lines) ?? 10, 100);
      // With --lines 0 the page still says where the room is now.
      const page = await client.room.history.query({ room, limit: Math.max(lines, 1) });
      const marker = token ? readMarkerFor(client, room) : null;
      for (const m of page.messages.slice(0, lines).reverse()) {
        console.log(formatMessage(m));
        marker?.seen(m.seq);
      }
      // Resume right after the newest message seen, so nothing falls between history and live.
      await tail(client, room, String(page.messages[0]?.seq ?? 0), marker);
      // Stopped (not refused): what was printed last is marked before the process ends.
      await marker?.flush();
      return;
    }
    case "who": {
      const room = arg(1, "the room");
      const snapshot = await firstPresence(client, room);
      const guests = snapshot.guests ? `${snapshot.guests} guest${snapshot.guests === 1 ? "" : "s"}` : "";
      console.log([...snapshot.users.map((u) => printable(u)), guests].filter(Boolean).join(", ") || "Nobody.");
      if (snapshot.typing.length) console.log(`typing: ${snapshot.typing.map((u) => printable(u)).join(", ")}`);
      return;
    }
    case "search": {
      const query = positionals.slice(1).join(" ");
      if (!query) throw new UsageError("Missing the words to search for.");
      const room = opts.room === undefined ? undefined : await resolveRoom(client, opts.room);
      const page = await client.room.search.query({ query, room, before: wholeNumber("before", opts.before), limit: wholeNumber("limit", opts.limit) });
      if (opts.json) {
        console.log(printableJson(page));
        return;
      }
      // Bold on a terminal; piped, the lines stay plain text.
      const mark = process.stdout.isTTY ? (word: string) => `\x1b[1m${word}\x1b[22m` : (word: string) => word;
      if (page.results.length === 0) console.error("Nothing found.");
      for (const hit of page.results) console.log(formatHit(hit, mark));
      if (page.nextCursor !== null) console.error(`-- older: add --before ${page.nextCursor} --`);
      return;
    }
    case "export": {
      const count = await exportRoom(client, arg(1, "the room"), (line) => console.log(line));
      console.error(`-- ${count} messages --`);
      return;
    }
    default:
      if (isRoomCommand(command)) {
        return roomCommands[command]({ client, args: positionals.slice(1), private: opts.private, topic: opts.topic, signedIn: Boolean(token) });
      }
      throw new UsageError(`Unknown command '${command}'.`);
  }
}

try {
  await run();
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${printable(error.message)}\n\n${HELP}`);
    process.exit(2);
  }
  if (error instanceof UnsafeCredentialsFileError) {
    console.error(error.message);
    process.exit(1);
  }
  if (error instanceof TRPCClientError && !error.data) {
    // No tRPC answer at all: the server is down or the URL is wrong.
    console.error(`Cannot reach Parlor at ${serverUrl}: ${printable(error.message)}`);
    process.exit(1);
  }
  if (error instanceof TRPCClientError) {
    const code = error.data?.code;
    const hint = code === "UNAUTHORIZED" && !token ? " (sign in first: bun run chat -- login <username>)" : "";
    // The server's words, which may quote what someone else typed: shown, never interpreted.
    console.error(`${printable(error.message)}${hint}`);
    process.exit(1);
  }
  throw error;
}
