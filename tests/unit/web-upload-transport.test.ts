/**
 * The page's upload (client/app/lib/upload-transport.ts) speaks tRPC's wire
 * format for a FormData mutation: checked against tRPC's own fetch handler with
 * a router that has `attachment.upload` as the contract gives it. The XHR is a
 * small stand-in that hands the request to that handler and reports progress
 * as a browser does.
 */
import { describe, expect, test } from "bun:test";
import { initTRPC, TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { z } from "zod";
import {
  readUploadAnswer,
  sendUpload,
  UPLOAD_PATH,
  UploadError,
  type UploadErrorKind,
  type UploadXhr,
} from "../../client/app/lib/upload-transport.ts";
import type { Attachment } from "../../shared/schemas.ts";

const t = initTRPC.create();
const ID = "a".repeat(24);

/** `attachment.upload` as the contract has it; a file named after a code is refused with that code. */
const router = t.router({
  attachment: t.router({
    upload: t.procedure.input(z.instanceof(FormData)).mutation(async ({ input }): Promise<Attachment> => {
      const file = input.get("file");
      if (!(file instanceof File)) throw new TRPCError({ code: "BAD_REQUEST", message: "No file." });
      const code = /^(PAYLOAD_TOO_LARGE|BAD_REQUEST|TOO_MANY_REQUESTS|UNAUTHORIZED)\./.exec(file.name)?.[1];
      if (code) throw new TRPCError({ code: code as "BAD_REQUEST", message: `refused as ${code}` });
      const bytes = new Uint8Array(await file.arrayBuffer());
      return {
        id: ID,
        name: file.name,
        type: "text/plain",
        size: bytes.length,
        width: null,
        height: null,
        url: `/files/${ID}/${file.name}`,
        thumbnailUrl: null,
      };
    }),
  }),
});

/** The fields of a browser's ProgressEvent that an upload reads. */
const progress = (loaded: number, total: number) => ({ loaded, total, lengthComputable: true }) as ProgressEvent;

/** An XMLHttpRequest stand-in: the request goes to tRPC's fetch handler; progress is reported in two steps. */
class HandlerXhr implements UploadXhr {
  status = 0;
  responseText = "";
  upload: UploadXhr["upload"] = { onprogress: null };
  onload: UploadXhr["onload"] = null;
  onerror: UploadXhr["onerror"] = null;
  onabort: UploadXhr["onabort"] = null;
  sent: { method: string; url: string; body: FormData | null } = { method: "", url: "", body: null };
  private aborted = false;
  constructor(private readonly answer?: (req: Request) => Promise<Response>) {}
  open(method: string, url: string) {
    this.sent = { ...this.sent, method, url };
  }
  send(body: FormData) {
    this.sent.body = body;
    const req = new Request(this.sent.url, { method: this.sent.method, body });
    void (async () => {
      const size = (body.get("file") as File).size;
      this.upload.onprogress?.(progress(Math.floor(size / 2), size));
      const res = await (this.answer?.(req) ??
        fetchRequestHandler({ endpoint: "/trpc", req, router, createContext: () => ({}) }));
      if (this.aborted) return;
      this.upload.onprogress?.(progress(size, size));
      this.status = res.status;
      this.responseText = await res.text();
      this.onload?.(progress(size, size));
    })();
  }
  abort() {
    this.aborted = true;
    this.onabort?.(progress(0, 0));
  }
}

const file = (name: string, text = "hello, file") => ({ file: new Blob([text], { type: "text/plain" }), name });

describe("sendUpload (the attachment.upload wire format)", () => {
  test("POSTs the FormData as it is, unbatched, to /trpc/attachment.upload, and resolves with the Attachment from { result: { data } }", async () => {
    const xhr = new HandlerXhr();
    const progress: number[] = [];
    const attachment = await sendUpload({
      ...file("notes.txt"),
      origin: "http://parlor.test",
      xhr: () => xhr,
      onProgress: (loaded) => progress.push(loaded),
    });
    expect(xhr.sent.method).toBe("POST");
    expect(xhr.sent.url).toBe(`http://parlor.test${UPLOAD_PATH}`);
    expect((xhr.sent.body!.get("file") as File).name).toBe("notes.txt");
    expect(attachment).toEqual({
      id: ID,
      name: "notes.txt",
      type: "text/plain",
      size: 11,
      width: null,
      height: null,
      url: `/files/${ID}/notes.txt`,
      thumbnailUrl: null,
    });
    expect(progress).toEqual([5, 11]);
  });

  test("each refusal comes back as its kind, read from the tRPC code: too big, refused type, quota, signed out", async () => {
    const kinds: Record<string, UploadErrorKind> = {
      PAYLOAD_TOO_LARGE: "too-big",
      BAD_REQUEST: "refused",
      TOO_MANY_REQUESTS: "quota",
      UNAUTHORIZED: "signed-out",
    };
    for (const [code, kind] of Object.entries(kinds)) {
      const error = await sendUpload({
        ...file(`${code}.bin`),
        origin: "http://parlor.test",
        xhr: () => new HandlerXhr(),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UploadError);
      expect((error as UploadError).kind).toBe(kind);
    }
  });

  test("the kind does not depend on the server's wording: a 413 with no tRPC body (a proxy, an early check) is 'too big'", async () => {
    const early = () =>
      new HandlerXhr(async () => new Response("<html>Request Entity Too Large</html>", { status: 413 }));
    const error = await sendUpload({ ...file("big.bin"), origin: "http://parlor.test", xhr: early }).catch(
      (e: unknown) => e,
    );
    expect((error as UploadError).kind).toBe("too-big");
    // A message in any language with the code PAYLOAD_TOO_LARGE is still "too big".
    expect(() =>
      readUploadAnswer(
        413,
        JSON.stringify({ error: { message: "Demasiado grande", code: -32600, data: { code: "PAYLOAD_TOO_LARGE" } } }),
      ),
    ).toThrow(expect.objectContaining({ kind: "too-big" }));
  });

  test("a 5xx, a page that is not tRPC's, or an answer that is not an Attachment is 'unreachable' (worth trying again)", () => {
    expect(() => readUploadAnswer(502, "<html>Bad gateway</html>")).toThrow(
      expect.objectContaining({ kind: "unreachable" }),
    );
    expect(() => readUploadAnswer(200, JSON.stringify({ result: { data: { id: 1 } } }))).toThrow(
      expect.objectContaining({ kind: "unreachable" }),
    );
  });

  test("aborting through the signal rejects with 'cancelled'", async () => {
    const controller = new AbortController();
    const xhr = new HandlerXhr(() => new Promise(() => {}));
    const pending = sendUpload({
      ...file("slow.bin"),
      origin: "http://parlor.test",
      xhr: () => xhr,
      signal: controller.signal,
    });
    controller.abort();
    expect(await pending.catch((e: unknown) => (e as UploadError).kind)).toBe("cancelled");
  });
});
