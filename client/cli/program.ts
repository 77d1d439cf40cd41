/**
 * How the CLI is run, as its help and hints spell it: `bun run chat --` in this
 * repository, `parlor` as the installed package's command (its build defines
 * PARLOR_CLI_NAME).
 */
export const PROGRAM = process.env.PARLOR_CLI_NAME ?? "bun run chat --";
