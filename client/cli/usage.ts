/** A command line that does not say what to do: the CLI prints why, then its help, and exits 2. */
export class UsageError extends Error {}

/** `args[index]`, or a UsageError naming what is missing. */
export function required(args: readonly string[], index: number, what: string): string {
  const value = args[index];
  if (value === undefined) throw new UsageError(`Missing ${what}.`);
  return value;
}

/** What was asked could not be done, for a reason the user can act on: the CLI prints it (no help) and exits 1. */
export class CommandFailedError extends Error {}
