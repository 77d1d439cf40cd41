/**
 * Where to go after signing in (`/login?next=…`): a path on this site, or "/".
 *
 * Browsers are generous readers of URLs: they drop tabs and newlines
 * (`/\t/evil` is `//evil`), read `\` as `/` (`/\evil`), and take `//host` as
 * another site. So the value is parsed the way a browser would, against a
 * stand-in origin, and kept only if it stays on that origin and its path
 * cannot be read as `//…` once decoded (`/%2F/evil`).
 */
const HERE = "https://parlor.invalid";
const MAX_LENGTH = 2048;

export function safeNextPath(next: string | null | undefined): string {
  if (typeof next !== "string" || next.length === 0 || next.length > MAX_LENGTH) return "/";
  // Only a path: no scheme (javascript:, https:), no relative path, no bare host.
  if (!next.startsWith("/")) return "/";
  // Characters browsers drop or reinterpret before they parse: never needed in our own paths.
  if (/[\u0000-\u0020\u007F-\u009F\\]/.test(next)) return "/";
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return "/";
  }
  if (url.origin !== HERE) return "/";
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return "/";
  }
  if (decoded.startsWith("//") || decoded.includes("\\")) return "/";
  return url.pathname + url.search + url.hash;
}
