/**
 * One file to `attachment.upload`, with upload progress — the one module that
 * knows the wire format, so that a change of tRPC's shows in one place (and in
 * its test, which answers with tRPC's own fetch handler).
 *
 * Why not the typed client: `fetch` reports no upload progress, so the page
 * sends with XMLHttpRequest what tRPC's `httpLink` sends for a FormData input:
 *
 *   POST <origin>/trpc/attachment.upload        (not batched: no `?batch=1`)
 *   body: the FormData as it is (field `file`); no content-type of ours, the
 *         browser writes `multipart/form-data; boundary=…`; the session cookie
 *         goes with it (same origin)
 *   200 → { "result": { "data": <Attachment> } }
 *   4xx/5xx → { "error": { "message", "code", "data": { "code": "PAYLOAD_TOO_LARGE", "httpStatus": 413, … } } }
 *
 * What went wrong is read from the error's code (and the HTTP status, for a
 * 413 that a proxy or the server's early check sends without tRPC's body),
 * never from the English of its message.
 */
import { errorText } from "../../../shared/i18n/error-text.ts";
import { english, type Translate } from "../../../shared/i18n/index.ts";
import { Attachment } from "../../../shared/schemas.ts";

export const UPLOAD_PATH = "/trpc/attachment.upload";

/** Why an upload did not give an attachment, as the composer tells it per file. */
export type UploadErrorKind = "too-big" | "refused" | "quota" | "signed-out" | "unreachable" | "cancelled";

export class UploadError extends Error {
  override name = "UploadError";
  constructor(
    readonly kind: UploadErrorKind,
    /** Why, in the reader's language, when more is known than the kind (the server's named reason, a file not kept here). */
    readonly because?: (t: Translate) => string,
  ) {
    super(uploadErrorText({ kind, because }));
  }
}

/** The sentence shown by a file that could not be uploaded, from its kind (the `message` is English, for logs). */
export function uploadErrorText(
  { kind, because }: { kind: UploadErrorKind; because?: ((t: Translate) => string) | undefined },
  t: Translate = english,
): string {
  // The reason is a whole sentence of its own ("The file is empty.").
  if (because) return because(t);
  switch (kind) {
    case "too-big":
      return t("files.tooBig");
    case "refused":
      return t("files.refused");
    case "quota":
      return t("files.quota");
    case "signed-out":
      return t("files.signedOut");
    case "unreachable":
      return t("files.unreachable");
    case "cancelled":
      return t("files.cancelled");
  }
}

/** tRPC error codes → what they mean for a file. Anything else (5xx, no answer) is worth trying again later. */
const KIND_OF_CODE: Record<string, UploadErrorKind> = {
  PAYLOAD_TOO_LARGE: "too-big",
  BAD_REQUEST: "refused",
  UNSUPPORTED_MEDIA_TYPE: "refused",
  UNPROCESSABLE_CONTENT: "refused",
  TOO_MANY_REQUESTS: "quota",
  UNAUTHORIZED: "signed-out",
  FORBIDDEN: "signed-out",
};

/** The request's body: the file under `file`, with the name it is to have. */
export function uploadForm(file: Blob, name: string): FormData {
  const form = new FormData();
  form.append("file", file, name);
  return form;
}

/** Reads the server's answer: the attachment, or an UploadError of the kind its code says. */
export function readUploadAnswer(status: number, body: string): Attachment {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = null;
  }
  const answer = (json ?? {}) as {
    result?: { data?: unknown };
    error?: { message?: unknown; data?: { code?: unknown; reason?: unknown } };
  };
  if (status >= 200 && status < 300) {
    const parsed = Attachment.safeParse(answer.result?.data);
    if (parsed.success) return parsed.data;
    throw new UploadError("unreachable");
  }
  const code = answer.error?.data?.code;
  const kind =
    (typeof code === "string" ? KIND_OF_CODE[code] : undefined) ??
    (status === 413 ? "too-big" : status === 429 ? "quota" : "unreachable");
  const error = answer.error;
  // A refusal the server named (shared/error-reasons.ts) is worded from its reason, never from its English message.
  throw new UploadError(kind, typeof error?.data?.reason === "string" ? (t) => errorText(error, t) : undefined);
}

/** The part of XMLHttpRequest an upload uses (tests give one that answers through tRPC's fetch handler). */
export interface UploadXhr {
  open(method: string, url: string): void;
  send(body: FormData): void;
  abort(): void;
  readonly status: number;
  readonly responseText: string;
  readonly upload: { onprogress: ((event: ProgressEvent) => void) | null };
  onload: ((event: ProgressEvent) => void) | null;
  onerror: ((event: ProgressEvent) => void) | null;
  onabort: ((event: ProgressEvent) => void) | null;
}

export interface UploadOptions {
  file: Blob;
  name: string;
  /** Bytes sent so far of the request's total. */
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
  /** The server's origin; the page's own by default. */
  origin?: string;
  xhr?: () => UploadXhr;
}

/** Uploads one file; resolves with its Attachment, rejects with an UploadError. */
export function sendUpload({
  file,
  name,
  onProgress,
  signal,
  origin = location.origin,
  xhr = () => new XMLHttpRequest(),
}: UploadOptions): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new UploadError("cancelled"));
    const request = xhr();
    const abort = () => request.abort();
    signal?.addEventListener("abort", abort, { once: true });
    const settle = (finish: () => void) => {
      signal?.removeEventListener("abort", abort);
      finish();
    };
    request.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    request.onload = () =>
      settle(() => {
        try {
          resolve(readUploadAnswer(request.status, request.responseText));
        } catch (error) {
          reject(error);
        }
      });
    request.onerror = () => settle(() => reject(new UploadError("unreachable")));
    request.onabort = () => settle(() => reject(new UploadError("cancelled")));
    request.open("POST", new URL(UPLOAD_PATH, origin).toString());
    request.send(uploadForm(file, name));
  });
}
