/**
 * A command line that does not say what to do: the CLI prints why (in the
 * terminal's language), then its help, and exits 2. The words are made when
 * printed, from the translator main.ts holds; `message` is the English.
 */
import { english, type Translate } from "../../shared/i18n/index.ts";

export class UsageError extends Error {
  constructor(readonly words: (t: Translate) => string) {
    super(words(english));
  }
}

/** What a command says is missing: `(t) => t("cli.argRoom")`. */
export type Missing = Parameters<Translate>[0] & `cli.arg${string}`;

/** `args[index]`, or a UsageError naming what is missing ("Missing the room."). */
export function required(args: readonly string[], index: number, what: Missing): string {
  const value = args[index];
  if (value === undefined) throw new UsageError((t) => t("cli.missing", { what: t(what) }));
  return value;
}

/**
 * What was asked could not be done, for a reason the user can act on: the CLI
 * prints it in the terminal's language (no help) and exits 1.
 */
export class CommandFailedError extends Error {
  constructor(readonly words: (t: Translate) => string) {
    super(words(english));
  }
}
