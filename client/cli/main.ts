/**
 * `bun run chat -- <command>`: Parlor from a terminal, on the same typed client
 * as the web app. Run with no command for help; the commands are in commands.ts.
 */
import { parseArgs } from "node:util";
import { TRPCClientError } from "@trpc/client";
import { createParlorClient } from "../parlor-client.ts";
import type { CommandInput } from "./command.ts";
import { commandNamed } from "./commands.ts";
import { credentialsPath, loadSession, saveSession, UnsafeCredentialsFileError } from "./credentials.ts";
import { printable } from "./format.ts";
import { HELP } from "./help.ts";
import { createPasswordReader } from "./password.ts";
import { plainHttpWarning } from "./transport.ts";
import { CommandFailedError, UsageError } from "./usage.ts";

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
        session: { type: "string" },
        private: { type: "boolean" },
        topic: { type: "string" },
        file: { type: "string", multiple: true },
        output: { type: "string", short: "o" },
        force: { type: "boolean" },
        name: { type: "string" },
        avatar: { type: "string" },
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

function warnIfPlainHttp(what: string) {
  const warning = plainHttpWarning(serverUrl, what);
  if (warning) console.error(warning);
}

async function run(): Promise<void> {
  const [name, ...args] = positionals;
  if (opts.help || !name) {
    console.log(HELP);
    return;
  }
  const command = commandNamed(name);
  if (!command) throw new UsageError(`Unknown command '${name}'.`);
  if (token) warnIfPlainHttp("your session token");
  const input: CommandInput = {
    client: createParlorClient({ url: serverUrl, token }),
    args,
    opts,
    signedIn: Boolean(token),
    token,
    serverUrl,
    saveSession: (session) => saveSession(store, serverUrl, session),
    passwords: createPasswordReader(),
    warnIfPlainHttp,
  };
  await command(input);
}

try {
  await run();
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${printable(error.message)}\n\n${HELP}`);
    process.exit(2);
  }
  if (error instanceof UnsafeCredentialsFileError || error instanceof CommandFailedError) {
    // A download's failure may name a file as the server called it: shown, never interpreted.
    console.error(printable(error.message));
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
