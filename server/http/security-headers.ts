/**
 * Headers every HTTP response carries, in one place: what the browser may do
 * with it. The app's pages get a Content-Security-Policy that allows only the
 * site's own scripts, styles and WebSocket, and no framing; everything else
 * (JSON, plain-text errors) gets a policy that allows nothing at all, in case
 * it is ever opened as a document.
 */

/**
 * The built app (see `vite build`'s dist/client/index.html) loads one module
 * script and one stylesheet from /assets and has no inline script or style;
 * its icon is a data: URL. Solid sets styles through the CSSOM, which
 * `style-src` does not govern.
 */
function pagePolicy(host: string | null): string {
  // 'self' covers ws:/wss: of the same host in CSP Level 3, not in every browser: name them.
  const socket = host ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${socket}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

const NOTHING_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The service worker (dist/client/sw.js) runs under the policy of its own
 * script's response, not the page's: it fetches the app's files to cache
 * them, from this origin only. Browsers mark that request `Service-Worker: script`.
 */
const WORKER_POLICY = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** A Host header as it may appear in a policy: a name or address and a port, nothing that could end a directive. */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/** The headers for a response of this content type, to a request for this Host (`worker`: a service worker's script). */
export function securityHeaders(
  contentType: string | null,
  host: string | null,
  worker = false,
): Record<string, string> {
  const isPage = contentType?.toLowerCase().startsWith("text/html") ?? false;
  const isScript = /^(text|application)\/javascript\b/i.test(contentType ?? "");
  return {
    "content-security-policy": isPage
      ? pagePolicy(host && HOST.test(host) ? host : null)
      : worker && isScript
        ? WORKER_POLICY
        : NOTHING_POLICY,
    "x-content-type-options": "nosniff",
    // Not "no-referrer": with it, browsers send `Origin: null` on same-origin POSTs, which the CSRF check refuses.
    "referrer-policy": "strict-origin-when-cross-origin",
  };
}

/** Sets the security headers on `res` (in place when its headers are mutable, else on a copy). */
export function withSecurityHeaders(res: Response, req: Request): Response {
  const headers = securityHeaders(
    res.headers.get("content-type"),
    req.headers.get("host"),
    req.headers.get("service-worker") === "script",
  );
  // A response that allows nothing by its own policy keeps it (a served file's adds `sandbox`: http/files-route.ts).
  if (res.headers.get("content-security-policy")?.startsWith("default-src 'none'"))
    delete headers["content-security-policy"];
  try {
    for (const [name, value] of Object.entries(headers)) res.headers.set(name, value);
    return res;
  } catch {
    // A Response with immutable headers (e.g. from fetch): copy it.
    const copy = new Response(res.body, res);
    for (const [name, value] of Object.entries(headers)) copy.headers.set(name, value);
    return copy;
  }
}
