/** A command line that does not say what to do: the CLI prints why, then its help, and exits 2. */
export class UsageError extends Error {}

/** `args[index]`, or a UsageError naming what is missing. */
export function required(args: readonly string[], index: number, what: string): string {
  const value = args[index];
  if (value === undefined) throw new UsageError(`Missing ${what}.`);
  return value;
}
