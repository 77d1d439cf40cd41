/**
 * What the shipped clients send at most, per the server's default limits
 * (SECURITY.md): a server configured lower refuses what they send.
 */

/** WebSocket close code for "your session ended" (logout, logout everywhere, a password change, expiry): the app forgets what it kept offline. */
export const CLOSE_SESSION_ENDED = 4001;

/** Calls the client puts in one HTTP batch: the default MAX_CALLS_IN_FLIGHT runs them all at once. */
export const HTTP_BATCH_MAX_CALLS = 8;

/** Longest GET URL the client builds (it splits a batch past it); Bun refuses request heads over 16 KiB with 431. */
export const HTTP_URL_MAX_LENGTH = 8 * 1024;
