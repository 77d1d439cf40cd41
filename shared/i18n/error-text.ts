/**
 * What went wrong, in the reader's language: from what the API answered (its
 * tRPC code, the reason and params of shared/error-reasons.ts, the fields of
 * bad input), never from its English message, which is for scripts. Used by
 * the web app and the CLI alike.
 */
import { ERROR_REASONS, type ErrorReason } from "../error-reasons.ts";
import type { Catalog, PlainKey, Translate } from "./index.ts";

/** One problem with an input, as the API (or a zod parse in the page) reports it. */
export interface InputIssue {
  path: readonly (string | number | symbol)[];
  code?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  /** Zod's regex check: the username's characters. */
  format?: string;
}

/** The parts of a TRPCClientError this reads; anything else thrown is read as a plain Error. */
interface ApiErrorShape {
  message?: unknown;
  data?: {
    code?: unknown;
    reason?: unknown;
    params?: unknown;
    issues?: unknown;
  } | null;
}

const isReason = (value: unknown): value is ErrorReason =>
  typeof value === "string" && (ERROR_REASONS as readonly string[]).includes(value);

const FIELD_NAMES = [
  "username",
  "password",
  "currentPassword",
  "newPassword",
  "room",
  "text",
  "topic",
  "displayName",
  "query",
] as const satisfies readonly (keyof Catalog["fields"])[];
type Field = (typeof FIELD_NAMES)[number];
const isField = (value: unknown): value is Field =>
  typeof value === "string" && (FIELD_NAMES as readonly string[]).includes(value);

/** One input problem in words: "Contraseña: al menos 8 caracteres." */
export function issueText(issue: InputIssue, t: Translate): string {
  const name = issue.path[0];
  if (!isField(name)) return t("errors.badInput");
  const field = t(`fields.${name}`);
  if (issue.code === "too_small" && issue.minimum !== undefined)
    return t("errors.fieldTooShort", { count: Number(issue.minimum), field });
  if (issue.code === "too_big" && issue.maximum !== undefined)
    return t("errors.fieldTooLong", { count: Number(issue.maximum), field });
  if (name === "username" && (issue.code === "invalid_format" || issue.format === "regex"))
    return t("errors.fieldCharacters", { field });
  return t("errors.fieldInvalid", { field });
}

/** The message for a refusal the API named: its reason, with its params. */
function reasonText(reason: ErrorReason, params: Record<string, unknown>, t: Translate): string {
  const text = (key: string) => String(params[key] ?? "");
  switch (reason) {
    case "roomNotFound":
    case "banned":
    case "roomTaken":
    case "notAMember":
      return t(`errors.${reason}`, { room: text("room") });
    case "noSuchUser":
    case "theyAreNotMember":
    case "unbanFirst":
      return t(`errors.${reason}`, { user: text("user") });
    case "uploadsAtOnce":
    case "uploadsPerDay":
    case "roomFull":
    case "privateRoomsPerDay":
    case "reactionsLimit":
      return t(`errors.${reason}`, { count: Number(params.count) });
    case "rateLimited": {
      const seconds = Number(params.seconds);
      return Number.isFinite(seconds) && seconds > 0
        ? t("errors.rateLimited", { count: seconds })
        : t("errors.rateLimitedLater");
    }
    default:
      return t(`errors.${reason}`);
  }
}

const BY_CODE: Record<string, PlainKey> = {
  UNAUTHORIZED: "errors.unauthorized",
  FORBIDDEN: "errors.forbidden",
  NOT_FOUND: "errors.notFound",
  CONFLICT: "errors.conflict",
  BAD_REQUEST: "errors.badInput",
  PARSE_ERROR: "errors.badInput",
  PAYLOAD_TOO_LARGE: "errors.tooLarge",
  TOO_MANY_REQUESTS: "errors.rateLimitedLater",
  SERVICE_UNAVAILABLE: "errors.unavailable",
};

/** "Internal error (id 3f9c…)": the id is what to quote when reporting it. */
const INTERNAL_ID = /\(id ([\w-]+)\)/;

/**
 * A sentence for whatever a call threw, in `t`'s language.
 *
 * @example errorText(new TRPCClientError(…{ data: { code: "NOT_FOUND", reason: "roomNotFound", params: { room: "x" } } }), t) // "La sala «x» no existe."
 */
export function errorText(error: unknown, t: Translate): string {
  if (!error || typeof error !== "object") return t("errors.generic");
  const { message, data } = error as ApiErrorShape;
  const code = typeof data?.code === "string" ? data.code : null;
  if (!code) {
    // No answer from the API: a failed fetch ("Failed to fetch" in Chromium, "NetworkError…" in Firefox, "Load failed" in Safari) or a socket that closed.
    if (
      typeof message === "string" &&
      /Failed to fetch|NetworkError|Load failed|fetch failed|Unable to connect|WebSocket|ECONNREFUSED/i.test(message)
    )
      return t("errors.network");
    return t("errors.generic");
  }
  if (isReason(data?.reason)) return reasonText(data.reason, (data?.params as Record<string, unknown>) ?? {}, t);
  if (Array.isArray(data?.issues) && data.issues.length > 0) return issueText(data.issues[0] as InputIssue, t);
  if (code === "INTERNAL_SERVER_ERROR") {
    const id = typeof message === "string" ? INTERNAL_ID.exec(message)?.[1] : undefined;
    return id ? t("errors.internal", { id }) : t("errors.generic");
  }
  const key = BY_CODE[code];
  // A refusal the API did not name: its own (English) sentence says more than the code, to a reader of English.
  if (
    key &&
    typeof message === "string" &&
    message &&
    t("errors.apiWordsReadable") === "yes" &&
    code !== "SERVICE_UNAVAILABLE"
  )
    return message;
  return key ? t(key) : t("errors.generic");
}
