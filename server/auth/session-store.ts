/**
 * The session queries Lucia's adapter has no method for: a user's sessions as
 * they may be shown to that user, ending all or all-but-one of them, and the
 * sweep of expired ones. The table is keyed by SHA-256(token); what is shown is
 * a further one-way hash of that key, so a listing can be displayed, logged or
 * screenshotted without giving away anything that finds or forges a session.
 */
import type { Db } from "../../db/index.ts";
import { hashToken } from "./session-adapter.ts";

export interface SessionInfo {
  /** Safe to show: neither the token nor the table's key, and leads to neither. */
  id: string;
  /** ISO-8601 UTC; null for sessions opened before this was recorded. */
  createdAt: string | null;
  /** ISO-8601 UTC; moves later while the session is used (sliding expiry). */
  expiresAt: string;
  /** ISO-8601 UTC of its last use, to the minute (written at most once a minute); null before the column. */
  lastActiveAt: string | null;
  /** From the User-Agent at sign-in: "Firefox 121", "Windows 10"; null when unknown. */
  browser: string | null;
  system: string | null;
  /** The network it signed in from: "203.0.113.x" (IPv4 /24), "2001:db8:1::x" (IPv6 /48); null when unknown. */
  address: string | null;
  /** The session this request is made with. */
  current: boolean;
}

/** 64 bits of SHA-256 over the stored key: unique enough among one user's sessions, and one-way. */
export const publicSessionId = (storedId: string): string =>
  new Bun.CryptoHasher("sha256").update(`parlor-session-id:${storedId}`).digest("hex").slice(0, 16);

const iso = (ms: number | string | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** The user's sessions that have not expired: the current one first, then newest first. */
export async function listUserSessions(db: Db, userId: number, currentToken: string): Promise<SessionInfo[]> {
  const current = hashToken(currentToken);
  const rows = await db
    .selectFrom("session")
    .select(["id", "created_at", "expires_at", "last_active_at", "browser", "system", "address"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", Date.now())
    .execute();
  return rows
    .map((r) => ({
      id: publicSessionId(r.id),
      createdAt: iso(r.created_at),
      expiresAt: iso(r.expires_at)!,
      lastActiveAt: iso(r.last_active_at),
      browser: r.browser,
      system: r.system,
      address: r.address,
      current: r.id === current,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current) || (b.createdAt ?? "").localeCompare(a.createdAt ?? ""));
}

/**
 * Ends every session of the user but `keepToken`'s; resolves to the stored keys
 * (SHA-256 of the tokens) of those that ended, which is what other processes
 * can be told (a `sessions-ended` control event carries exactly these).
 */
export async function deleteOtherSessions(db: Db, userId: number, keepToken: string): Promise<string[]> {
  const rows = await db
    .deleteFrom("session")
    .where("user_id", "=", userId)
    .where("id", "!=", hashToken(keepToken))
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Ends the user's session listed as `id` (its public id, the only one a client
 * knows); resolves to its stored key, or null when none of theirs has that id
 * (another user's session never matches: only their own rows are looked at).
 */
export async function deleteUserSession(db: Db, userId: number, id: string): Promise<string | null> {
  const rows = await db.selectFrom("session").select("id").where("user_id", "=", userId).execute();
  const key = rows.find((r) => publicSessionId(r.id) === id)?.id;
  if (!key) return null;
  const deleted = await db
    .deleteFrom("session")
    .where("id", "=", key)
    .where("user_id", "=", userId)
    .returning("id")
    .execute();
  return deleted[0]?.id ?? null;
}

/** Ends every session of the user; resolves to the stored keys of those that ended. */
export async function deleteUserSessions(db: Db, userId: number): Promise<string[]> {
  const rows = await db.deleteFrom("session").where("user_id", "=", userId).returning("id").execute();
  return rows.map((r) => r.id);
}

/** Stored keys per query when looking many sessions up at once (well under every driver's bound on parameters). */
const KEYS_PER_QUERY = 1000;

/**
 * Which of these stored keys (SHA-256 of the tokens) name a session that still
 * stands (exists and has not expired): after events about ended sessions may
 * have been missed, a process looks up every session it holds sockets for, in a
 * few queries rather than one per session.
 */
export async function standingSessions(db: Db, storedIds: readonly string[], now = Date.now()): Promise<Set<string>> {
  const standing = new Set<string>();
  for (let i = 0; i < storedIds.length; i += KEYS_PER_QUERY) {
    const rows = await db
      .selectFrom("session")
      .select("id")
      .where("id", "in", storedIds.slice(i, i + KEYS_PER_QUERY))
      .where("expires_at", ">", now)
      .execute();
    for (const row of rows) standing.add(row.id);
  }
  return standing;
}

/** Deletes sessions past their expiry (Lucia deletes one only when it is presented again). */
export async function deleteExpiredSessions(db: Db, now = Date.now()): Promise<number> {
  const result = await db.deleteFrom("session").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
