/**
 * Whether an error says the database cannot be reached right now (a restart,
 * a failover, a proxy's idle cut, an administrator ending the connection),
 * rather than that this statement is wrong. Such a failure is transient: the
 * same call succeeds once the database answers again, so callers may wait and
 * retry, and clients are told to (see server/trpc/domain-errors.ts).
 */

/** Socket-level failures (Node's error codes), from connecting or on a live connection. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNABORTED",
]);

/**
 * PostgreSQL SQLSTATEs of the same kind: class 08 (connection exception),
 * 57P01–57P03 (administrator / crash shutdown, cannot connect now), 53300 (too many connections).
 */
const isUnavailableState = (code: string) =>
  code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03" || code === "53300";

/** What node-postgres says, without a code, when a connection ends under it or cannot be had. */
const PG_CONNECTION_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "timeout exceeded when trying to connect",
  "Connection ended",
];

export function isStorageUnavailable(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 3) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableState(code))))
    return true;
  if (PG_CONNECTION_MESSAGES.some((m) => error.message.startsWith(m))) return true;
  // Wrapped by a caller (Kysely, a transaction, an AggregateError of a connect to several addresses).
  if (error instanceof AggregateError && error.errors.some((e) => isStorageUnavailable(e, depth + 1))) return true;
  return isStorageUnavailable(error.cause, depth + 1);
}
