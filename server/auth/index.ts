/**
 * The auth interface: everything outside this folder imports from here, never
 * from the files beside it (and never Lucia), so the session store behind it can
 * be swapped in this folder alone. What it offers: sign-up and sign-in, the
 * session a token names, ending sessions in storage, the key other processes
 * know a session by, cookies, and users with their passwords.
 */
export { type Auth, type AuthOptions, createAuth, type SessionInfo, type SignedIn, type ValidSession } from "./auth.ts";
/**
 * The key a session is stored and announced under (SHA-256 of its token): what a
 * `sessions-ended` control event names, and what `Auth.standing`, `logoutAll` and
 * `changePassword` speak in. Never the token itself, so it can travel and be logged.
 */
export { hashToken as storedSessionId } from "./session-adapter.ts";
export { createUser } from "./users.ts";
