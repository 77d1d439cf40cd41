/**
 * What every CLI command is given, and the argument readers they share. A
 * command is `(input) => Promise<void>`; `commands.ts` is the table of them.
 */

import type { ParlorClient } from "@parlor/client";
import type { Translate } from "../../shared/i18n/index.ts";
import type { PasswordReader } from "./password.ts";
import { readStdin } from "./stdin.ts";
import { required, UsageError } from "./usage.ts";

/** The flags `main.ts` parses; each command reads the ones it documents. */
export interface CliOptions {
  before?: string;
  limit?: string;
  lines?: string;
  room?: string;
  json?: boolean;
  reply?: string;
  remove?: boolean;
  all?: boolean;
  /** `logout --session <id>`: end that one session of yours (an id `sessions` lists). */
  session?: string;
  private?: boolean;
  topic?: string;
  /** `send --file <path>` (repeatable): files to upload and attach, in order. */
  file?: string[];
  /** `download -o <path>`: where to write the file ("-": stdout). */
  output?: string;
  /** `download --force`: replace a file already at the target (never through a link). */
  force?: boolean;
  /** `profile --name <text>`: your display name ("" clears it). */
  name?: string;
  /** `profile --avatar <path>`: an image to upload and wear ("none" takes it off). */
  avatar?: string;
}

export interface CommandInput {
  client: ParlorClient;
  /** The words after the command's name. */
  args: string[];
  opts: CliOptions;
  /** A session token is at hand (saved or PARLOR_TOKEN). */
  signedIn: boolean;
  /** That token, for the plain HTTP requests the typed client does not make (`download`). */
  token: string | undefined;
  serverUrl: string;
  /** Keeps (or with null, forgets) this server's session in the credentials file. */
  saveSession(session: { username: string; token: string } | null): void;
  passwords: PasswordReader;
  /** Says so on stderr when `what` is about to cross the network unencrypted. */
  warnIfPlainHttp(what: string): void;
  /** The terminal's language (LC_ALL, LC_MESSAGES, LANG): what commands print goes through it. */
  t: Translate;
}

export type Command = (input: CommandInput) => Promise<void>;

/** `--name`'s value as a whole number, or undefined when the flag is absent. */
export function wholeNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError((t) => t("cli.wholeNumber", { name, value }));
  return Number(value);
}

/** A message's seq as history prints it: `12` or `#12`. */
export function seqArg(args: readonly string[], index: number): number {
  const value = required(args, index, "cli.argSeq");
  if (!/^#?\d+$/.test(value)) throw new UsageError((t) => t("cli.seqFormat", { value }));
  return Number(value.replace("#", ""));
}

/** The words from `from` on as one text; a lone "-" reads it from stdin. */
export async function textFrom(args: readonly string[], from: number): Promise<string> {
  const words = args.slice(from);
  return words.length === 1 && words[0] === "-" ? (await readStdin()).replace(/\n$/, "") : words.join(" ");
}
