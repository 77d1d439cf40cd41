/**
 * `bun run chat -- <command>`: Parlor from a terminal, on the same typed client
 * as the web app. Run with no command for help.
 */
import { parseArgs } from "node:util";
import { TRPCClientError } from "@trpc/client";
import type { RoomPresence } from "../../shared/schemas.ts";
import { createParlorClient, type ParlorClient } from "../parlor-client.ts";
import { credentialsPath, loadSession, saveSession } from "./credentials.ts";
import { formatChange, formatMessage } from "./format.ts";
import { readPassword } from "./password.ts";
import { exportRoom, formatHit } from "./room-export.ts";

const HELP = `Parlor chat from the command line.

Usage: bun run chat -- <command> [arguments] [options]

Commands:
  register <username>               create an account and sign in
  login <username>                  sign in (the password comes from PARLOR_PASSWORD, a prompt or stdin)
  logout                            end the session
  whoami                            who this terminal is signed in as
  send <room> <text…>               send a message ("-" reads the text from stdin)
  history <room> [--before <seq>] [--limit <n>] [--json]
                                    a page of messages, oldest at the top
  tail <room> [--lines <n>]         the last n messages (default 10), then the room live; Ctrl-C stops
  who <room>                        who is in the room now, and who is typing
  rooms                             the most recently active rooms
  search <words…> [--room <room>] [--before <id>] [--limit <n>] [--json]
                                    messages with all these words, newest first, in rooms you can read
  export <room>                     every message of the room as JSON lines, newest first

Options:
  --url <url>    the server (default: PARLOR_URL, else http://localhost:3000)
  -h, --help     this text

The session token is saved in ${credentialsPath()} (PARLOR_TOKEN overrides it).`;

class UsageError extends Error {}

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
const saved = loadSession(store, serverUrl);
const token = process.env.PARLOR_TOKEN || saved?.token;

function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} takes a whole number, not '${value}'.`);
  return Number(value);
}

function arg(index: number, what: string): string {
  const value = positionals[index];
  if (value === undefined) throw new UsageError(`Missing ${what}.`);
  return value;
}

async function readAll(): Promise<string> {
  return (await Bun.stdin.text()).replace(/\n$/, "");
}

async function signIn(client: ParlorClient, how: "register" | "login") {
  const username = arg(1, "the username");
  const password = await readPassword("Password: ");
  const { user, token } = await client.auth[how].mutate({ username, password });
  saveSession(store, serverUrl, { username: user.username, token });
  console.log(`${how === "register" ? "Registered and signed in" : "Signed in"} as ${user.username} on ${serverUrl}.`);
}

/** Prints the room live until Ctrl-C; resolves when the subscription ends. */
function tail(client: ParlorClient, room: string, lastEventId: string) {
  return new Promise<void>((resolve, reject) => {
    const sub = client.room.messages.subscribe(
      { room, lastEventId },
      {
        onStarted: () => console.error(`-- live in ${room} (Ctrl-C to stop) --`),
        onData: ({ data }) => console.log(data.kind === "message" ? formatMessage(data.message) : formatChange(data)),
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
  const client = createParlorClient({ url: serverUrl, token });
  switch (command) {
    case "register":
    case "login":
      return signIn(client, command);
    case "logout":
      if (token) await client.auth.logout.mutate();
      saveSession(store, serverUrl, null);
      console.log("Signed out.");
      return;
    case "whoami": {
      const me = await client.auth.me.query();
      console.log(me ? me.username : "Not signed in.");
      return;
    }
    case "send": {
      const room = arg(1, "the room");
      const words = positionals.slice(2);
      const text = words.length === 1 && words[0] === "-" ? await readAll() : words.join(" ");
      const message = await client.room.send.mutate({ room, text });
      console.log(formatMessage(message));
      return;
    }
    case "history": {
      const room = arg(1, "the room");
      const page = await client.room.history.query({ room, before: wholeNumber("before", opts.before), limit: wholeNumber("limit", opts.limit) });
      if (opts.json) {
        console.log(JSON.stringify(page, null, 2));
        return;
      }
      if (page.messages.length === 0) console.error(`No messages in ${room}${opts.before ? ` before #${opts.before}` : ""}.`);
      for (const m of [...page.messages].reverse()) console.log(formatMessage(m));
      if (page.nextCursor !== null) console.error(`-- older: bun run chat -- history ${room} --before ${page.nextCursor} --`);
      return;
    }
    case "tail": {
      const room = arg(1, "the room");
      const lines = Math.min(wholeNumber("lines", opts.lines) ?? 10, 100);
      // With --lines 0 the page still says where the room is now.
      const page = await client.room.history.query({ room, limit: Math.max(lines, 1) });
      for (const m of page.messages.slice(0, lines).reverse()) console.log(formatMessage(m));
      // Resume right after the newest message seen, so nothing falls between history and live.
      return tail(client, room, String(page.messages[0]?.seq ?? 0));
    }
    case "who": {
      const room = arg(1, "the room");
      const snapshot = await firstPresence(client, room);
      const guests = snapshot.guests ? `${snapshot.guests} guest${snapshot.guests === 1 ? "" : "s"}` : "";
      console.log([...snapshot.users, guests].filter(Boolean).join(", ") || "Nobody.");
      if (snapshot.typing.length) console.log(`typing: ${snapshot.typing.join(", ")}`);
      return;
    }
    case "rooms": {
      for (const r of await client.room.active.query()) {
        console.log(`${r.name}\t${r.lastSeq} messages\t${r.present} here now\tlast ${r.lastMessageAt}`);
      }
      return;
    }
    case "search": {
      const query = positionals.slice(1).join(" ");
      if (!query) throw new UsageError("Missing the words to search for.");
      const page = await client.room.search.query({ query, room: opts.room, before: wholeNumber("before", opts.before), limit: wholeNumber("limit", opts.limit) });
      if (opts.json) {
        console.log(JSON.stringify(page, null, 2));
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
      throw new UsageError(`Unknown command '${command}'.`);
  }
}

try {
  await run();
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${error.message}\n\n${HELP}`);
    process.exit(2);
  }
  if (error instanceof TRPCClientError && !error.data) {
    // No tRPC answer at all: the server is down or the URL is wrong.
    console.error(`Cannot reach Parlor at ${serverUrl}: ${error.message}`);
    process.exit(1);
  }
  if (error instanceof TRPCClientError) {
    const code = error.data?.code;
    const hint = code === "UNAUTHORIZED" && !token ? " (sign in first: bun run chat -- login <username>)" : "";
    console.error(`${error.message}${hint}`);
    process.exit(1);
  }
  throw error;
}
