/**
 * Structured logs through pino: one JSON object per line (level, time, pid,
 * msg, and the request or connection id of what it is about), at LOG_LEVEL or
 * above. In development, lines are rendered for people by pino-pretty (a
 * development dependency: a production install without it writes JSON).
 *
 * Secrets never reach a line: the fields that could carry one are redacted by
 * pino wherever they sit, and nothing in Parlor logs a request's headers or a
 * call's input in the first place.
 */
import pino, { type DestinationStream, type LevelWithSilent, type Logger } from "pino";

export type { Logger };
export const LOG_LEVELS = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
] as const satisfies readonly LevelWithSilent[];

/** Field paths (any depth up to two) that may hold a token, a password or a cookie. */
const SECRET_FIELDS = [
  "password",
  "token",
  "cookie",
  "authorization",
  "connectionParams",
  "set-cookie",
  "headers.authorization",
  "headers.cookie",
];
export const REDACTED_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((f) => `*.${f}`),
  ...SECRET_FIELDS.map((f) => `*.*.${f}`),
];

export interface LoggerOptions {
  level: LevelWithSilent;
  /** Lines for people (pino-pretty) rather than JSON. */
  pretty: boolean;
  /** Where lines go; default stdout. Tests pass their own. */
  destination?: DestinationStream;
}

export async function createLogger({ level, pretty, destination }: LoggerOptions): Promise<Logger> {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: "[redacted]" }, base: { pid: process.pid } };
  if (pretty && !destination) {
    const prettyStream = await import("pino-pretty").then(
      (m) => m.default({ colorize: process.stdout.isTTY, sync: true, ignore: "pid" }),
      () => null, // not installed (a production install): JSON it is
    );
    if (prettyStream) return pino(options, prettyStream);
  }
  return pino(options, destination ?? pino.destination({ sync: true }));
}

/** A short id for each request or connection, unique in the process (lines carry the pid too). */
export function createIdSource(prefix: string): () => string {
  let n = 0;
  return () => `${prefix}${(++n).toString(36)}`;
}
