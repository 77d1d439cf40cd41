/**
 * GET /files/<id>/<name> serves an upload, GET /files/<id>/thumbnail its
 * thumbnail, to whoever may read it now (files.readable: the rooms seam, read
 * from the database at each request); to anyone else 404, as for an id never
 * used. Served so that a browser runs nothing from it: the type sniffed at
 * upload, only images, audio, video and PDF inline, everything else a download
 * of application/octet-stream; `nosniff` and a sandboxing CSP always. Files
 * never change, so an ETag names one for good; single Range requests let
 * players seek.
 */
import { AttachmentId } from "../../shared/schemas.ts";
import { contentDisposition } from "../files/file-name.ts";
import type { Files } from "../files/files.ts";
import { THUMBNAIL } from "../files/repository.ts";
import { isInline, OCTET_STREAM } from "../files/sniff.ts";

/** What a file's answer allows: nothing but showing it, in a sandbox (no script, no same origin). */
export const FILE_POLICY = "default-src 'none'; sandbox";

const notFound = () => Response.json({ error: "No such file." }, { status: 404 });

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` of a `size`-byte file: the range [start, end), "unsatisfiable", or null for the whole file (no header, several ranges, another unit). */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | "unsatisfiable" | null {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === "" && match[2] === "")) return null;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(match[1]);
  const last = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || last < start) return "unsatisfiable";
  return { start, end: last + 1 };
}

export async function serveFile(
  files: Files,
  user: { id: number } | null,
  id: string,
  which: string,
  request: Request,
): Promise<Response> {
  if (!AttachmentId.safeParse(id).success) return notFound();
  const found = await files.readable(user, id, { thumbnail: which === THUMBNAIL });
  if (!found) return notFound();
  const { upload, restricted } = found;
  const thumbnail = which === THUMBNAIL && upload.thumbnail_key !== null;
  const key = thumbnail ? upload.thumbnail_key! : upload.storage_key;
  const type = thumbnail ? "image/webp" : upload.type;
  const inline = isInline(type);
  const etag = `"${upload.id}${thumbnail ? "-t" : ""}"`;
  const headers: Record<string, string> = {
    "content-type": inline ? type : OCTET_STREAM,
    "content-disposition": contentDisposition(
      inline ? "inline" : "attachment",
      thumbnail ? `${upload.name}.webp` : upload.name,
    ),
    "x-content-type-options": "nosniff",
    "content-security-policy": FILE_POLICY,
    // Asked again each time (a 304 with the ETag): a kick, a ban or a delete counts at once.
    "cache-control": `${restricted ? "private" : "public"}, no-cache`,
    etag,
    "accept-ranges": "bytes",
  };
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  // A thumbnail is small and shown whole: no ranges.
  if (thumbnail) return new Response(files.storage.read(key), { headers });
  const size = Number(upload.size);
  const range = parseRange(request.headers.get("range"), size);
  if (range === "unsatisfiable")
    return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${size}` } });
  if (range === null)
    return new Response(files.storage.read(key), { headers: { ...headers, "content-length": String(size) } });
  return new Response(files.storage.read(key, range), {
    status: 206,
    headers: {
      ...headers,
      "content-range": `bytes ${range.start}-${range.end - 1}/${size}`,
      "content-length": String(range.end - range.start),
    },
  });
}
