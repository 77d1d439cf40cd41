/**
 * The Origin rule. SameSite cookies do not protect a WebSocket upgrade and
 * Lucia's CSRF check skips GET, so every browser request that can act as the
 * user is held to an exact allow-list here.
 */

/**
 * Is a browser at `origin` allowed to act on this server? With no configured list
 * only the server's own origin is, as the browser addressed it (the request URL,
 * which Bun builds from the Host header the browser sent).
 */
export function isAllowedOrigin(origin: string, requestUrl: string, allowed: readonly string[] | undefined): boolean {
  if (allowed) return allowed.includes(origin);
  return origin === new URL(requestUrl).origin;
}

export type UpgradeVerdict = { ok: true } | { ok: false; reason: string };

/**
 * A WebSocket upgrade that carries Origin is a browser's: the origin must be
 * allowed. One without Origin is a script's: fine when it brings no session
 * cookie (it signs in with connectionParams), refused when it does, since only a
 * browser sends cookies by itself.
 */
export function checkUpgradeOrigin(
  req: Request,
  opts: { allowed: readonly string[] | undefined; carriesSessionCookie: boolean },
): UpgradeVerdict {
  const origin = req.headers.get("origin");
  if (origin === null) {
    return opts.carriesSessionCookie
      ? { ok: false, reason: "A cookie-authenticated upgrade must carry Origin." }
      : { ok: true };
  }
  return isAllowedOrigin(origin, req.url, opts.allowed)
    ? { ok: true }
    : { ok: false, reason: `Origin '${origin}' is not allowed.` };
}
