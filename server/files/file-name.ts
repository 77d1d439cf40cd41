/**
 * A file's name as we keep it, and as a Content-Disposition header says it
 * (RFC 6266, with RFC 5987's filename* for what is not plain ASCII).
 */
import { FILE_NAME_MAX } from "../limits/defaults.ts";

/** Control characters, and the bidi controls that make `photo‮gpj.exe` read as `photoexe.jpg`. */
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** The last path segment of what the client called it, without control characters, at most FILE_NAME_MAX code points ("file" if nothing is left). */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? "";
  const name = base.replace(UNSAFE, "").trim();
  const points = [...name];
  if (points.length <= FILE_NAME_MAX) return name === "" || name === "." || name === ".." ? "file" : name;
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
  return points.slice(0, FILE_NAME_MAX - [...ext].length).join("") + ext;
}

/** `inline` or `attachment`, with an ASCII fallback name and the exact one as UTF-8 (RFC 5987). */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const fallback = name.replace(/[^\x20-\x7E]/g, "_").replace(/["\\]/g, "_");
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}
