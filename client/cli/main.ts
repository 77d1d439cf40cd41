/**
 * `bun run chat -- <command>`: Parlor from a terminal, on the same typed client
 * as the web app. Run with no command for help; the commands are in commands.ts.
 */
import { parseArgs } from "node:util";
import { createParlorClient } from "@parlor/client";
import { TRPCClientError } from "@trpc/client";
import { errorText } from "../../shared/i18n/error-text.ts";
import { createTranslator, localeOfEnvironment } from "../../shared/i18n/index.ts";
import type { CommandInput } from "./command.ts";
import { commandNamed } from "./commands.ts";
import { credentialsPath, loadSession, saveSession, UnsafeCredentialsFileError } from "./credentials.ts";
import { printable } from "./format.ts";
import { help } from "./help.ts";
import { createPasswordReader } from "./password.ts";
import { PROGRAM } from "./program.ts";
import { plainHttpWarning } from "./transport.ts";
import { CommandFailedError, UsageError } from "./usage.ts";

/** The terminal's language, as gettext reads it: LC_ALL, LC_MESSAGES, LANG. */
const t = createTranslator(() => localeOfEnvironment(process.env));

/** node:util's parseArgs refusal in the terminal's language: which option, and what is wrong with it. */
function argumentsProblem(error: Error & { code?: string }): string {
  const option = /'(-[^' ]*)/.exec(error.message)?.[1] ?? "";
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return t("cli.unknownOption", { option });
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") return t("cli.optionValue", { option });
  return t("cli.badArguments");
}

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
    console.error(`${argumentsProblem(error as Error)}\n\n${help(t)}`);
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
    console.error(t("cli.unsafeCredentials", { path: error.path }));
    process.exit(1);
  }
})();
const token = process.env.PARLOR_TOKEN || saved?.token;

function warnIfPlainHttp(what: string) {
  const warning = plainHttpWarning(serverUrl, what, t);
  if (warning) console.error(warning);
}

async function run(): Promise<void> {
  const [name, ...args] = positionals;
  if (opts.help || !name) {
    console.log(help(t));
    return;
  }
  const command = commandNamed(name);
  if (!command) throw new UsageError((t) => t("cli.unknownCommand", { name }));
  if (token) warnIfPlainHttp(t("cli.yourToken"));
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
    t,
  };
  await command(input);
}

try {
  await run();
  process.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${printable(error.words(t))}\n\n${help(t)}`);
    process.exit(2);
  }
  if (error instanceof UnsafeCredentialsFileError) {
    console.error(t("cli.unsafeCredentials", { path: error.path }));
    process.exit(1);
  }
  if (error instanceof CommandFailedError) {
    // A download's failure may name a file as the server called it: shown, never interpreted.
    console.error(printable(error.words(t)));
    process.exit(1);
  }
  if (error instanceof TRPCClientError && !error.data) {
    // No tRPC answer at all: the server is down or the URL is wrong.
    console.error(t("cli.cannotReach", { url: serverUrl, reason: printable(error.message) }));
    process.exit(1);
  }
  if (error instanceof TRPCClientError) {
    const code = error.data?.code;
    const hint = code === "UNAUTHORIZED" && !token ? t("cli.signInFirst", { program: PROGRAM }) : "";
    // In English, the server's own words (they name what was refused); in another language, the same from the error's code and reason.
    // Either may quote what someone else typed: shown, never interpreted.
    const words = localeOfEnvironment(process.env) === "en" ? error.message : errorText(error, t);
    console.error(`${printable(words)}${hint}`);
    process.exit(1);
  }
  throw error;
}
