/**
 * Request bodies are bounded per path, before they are read. Bun's own cap
 * (`maxRequestBodySize`) is one number for the whole server, so it is set to
 * the largest body any path takes (an upload) and the smaller limit of every
 * other path is kept here: a declared length over the path's limit is refused
 * at once, unread; a body sent without a length (chunked) is read up to the
 * limit and refused as soon as it passes it.
 */

export type BodyVerdict =
  /** The request as it was (a declared length within the limit, or no body). */
  | { ok: true; request: Request }
  /** Over the limit (declared, or read past it); or no length where one is required. */
  | { ok: false; status: 413 | 411; message: string };

const tooLarge = (limit: number, declared?: number): BodyVerdict => ({
  ok: false,
  status: 413,
  message: `A request body here is at most ${limit} bytes${declared === undefined ? "" : ` (this one declares ${declared})`}.`,
});

/**
 * Checks `request`'s body against `limit` bytes. With `requireLength`, a body
 * without Content-Length is refused (411): the caller wants to know the size
 * before it reads anything (uploads). Otherwise such a body is read here, at
 * most `limit` bytes, and handed on in a new Request.
 */
export async function limitBody(request: Request, limit: number, { requireLength = false } = {}): Promise<BodyVerdict> {
  const length = request.headers.get("content-length");
  if (length !== null) {
    const declared = Number(length);
    return Number.isFinite(declared) && declared > limit ? tooLarge(limit, declared) : { ok: true, request };
  }
  if (request.body === null) return { ok: true, request };
  if (requireLength) return { ok: false, status: 411, message: "Send this request with a Content-Length." };
  const chunks: Uint8Array[] = [];
  let read = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.byteLength;
    if (read > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  return { ok: true, request: new Request(request, { body: Buffer.concat(chunks) }) };
}
