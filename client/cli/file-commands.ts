/**
 * Files from the terminal: `send --file` uploads each one through
 * `attachment.upload` (FormData, as the web app does) before the send that
 * attaches them; `download` fetches `/files/<id>/<name>` as the signed-in user
 * (or a guest) and writes it without overwriting anything or following a link.
 */
import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ParlorClient } from "@parlor/client";
import { english, type Translate } from "../../shared/i18n/index.ts";
import { AttachmentId } from "../../shared/schemas.ts";
import type { Command, CommandInput } from "./command.ts";
import { writeDownload } from "./file-output.ts";
import { formatSize, printable } from "./format.ts";
import { PROGRAM } from "./program.ts";
import { CommandFailedError, required, UsageError } from "./usage.ts";

/**
 * Uploads the files at `paths`, one after another, and returns their ids in
 * that order. A path that cannot be read is refused before anything is uploaded.
 * What it prints on the way is in `t`'s language.
 */
export async function uploadFiles(
  client: ParlorClient,
  paths: readonly string[],
  t: Translate = english,
): Promise<string[]> {
  const files = await Promise.all(
    paths.map(async (path) => {
      if (!(await statOf(path))?.isFile()) throw new UsageError((t) => t("cli.notAFile", { path }));
      return { path, file: Bun.file(path) };
    }),
  );
  const ids: string[] = [];
  for (const { path, file } of files) {
    const form = new FormData();
    form.append("file", file, basename(path));
    const uploaded = await client.attachment.upload.mutate(form);
    console.error(t("cli.uploaded", { name: printable(uploaded.name), size: formatSize(uploaded.size) }));
    ids.push(uploaded.id);
  }
  return ids;
}

/**
 * `<id>`, `/files/<id>/<name>` or `http(s)://<this server>/files/<id>/<name>` →
 * the URL to fetch on `serverUrl`. A URL of another server is refused: the
 * session token of this one must never be sent there.
 */
export function fileUrl(target: string, serverUrl: string): URL {
  const server = new URL(serverUrl);
  if (AttachmentId.safeParse(target).success) return new URL(`/files/${target}/file`, server);
  let url: URL;
  try {
    url = new URL(target, server);
  } catch {
    throw new UsageError((t) => t("cli.notFileTarget", { target }));
  }
  if (url.origin !== server.origin)
    throw new UsageError((t) => t("cli.otherServer", { target, origin: url.origin, server: server.origin }));
  const [, files, id, name] = url.pathname.split("/");
  if (files !== "files" || !id || !AttachmentId.safeParse(id).success || !name)
    throw new UsageError((t) => t("cli.notFileUrl", { target }));
  return new URL(`/files/${id}/${name}`, server);
}

/** The file name a `Content-Disposition` header gives (its exact `filename*`, else `filename`), or null. */
export function dispositionName(header: string | null): string | null {
  if (!header) return null;
  const exact = header.match(/filename\*=UTF-8''([^;]+)/i);
  if (exact?.[1]) {
    try {
      return decodeURIComponent(exact[1]);
    } catch {
      // Not valid percent-encoding: fall back to the plain name.
    }
  }
  return header.match(/filename="([^"]*)"/i)?.[1] ?? null;
}

/** Control, bidi and separator characters, and path separators: none may reach a name we create on disk. */
const UNSAFE_IN_NAME = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069/\\]/g;

/**
 * A name to save the server's file under in the current directory: no path, no
 * control characters, not hidden, never `.` or `..` (`fallback` then).
 */
export function localName(name: string | null, fallback: string): string {
  const clean = (name ?? "").replace(UNSAFE_IN_NAME, "_").replace(/^\.+/, "").trim();
  return clean === "" ? fallback : clean;
}

async function download({ args, opts, serverUrl, token, t }: CommandInput) {
  const url = fileUrl(required(args, 0, "cli.argFile"), serverUrl);
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    redirect: "error",
  }).catch((error: Error) => {
    throw new CommandFailedError((t) => t("cli.cannotReach", { url: serverUrl, reason: error.message }));
  });
  if (response.status === 404)
    throw new CommandFailedError((t) =>
      token ? t("cli.noSuchFile") : t("cli.noSuchFileSignIn", { program: PROGRAM }),
    );
  if (!response.ok || !response.body)
    throw new CommandFailedError((t) => t("cli.serverAnswered", { status: response.status, path: url.pathname }));
  if (opts.output === "-") {
    await Bun.write(Bun.stdout, response);
    return;
  }
  const id = url.pathname.split("/")[2] ?? "file";
  const name = localName(dispositionName(response.headers.get("content-disposition")), id);
  const path = opts.output === undefined ? name : await intoDirectory(opts.output, name);
  const bytes = await writeDownload(path, response.body, { replace: opts.force === true });
  console.log(t("cli.saved", { path: printable(path), size: formatSize(bytes) }));
}

/** `output` itself, or `output/name` when `output` is a directory. */
async function intoDirectory(output: string, name: string): Promise<string> {
  return (await statOf(output))?.isDirectory() ? join(output, name) : output;
}

/** What is at `path` (following links: a directory named by a link is the user's choice), or null. */
const statOf = (path: string) => stat(path).catch(() => null);

export const fileCommands = { download } satisfies Record<string, Command>;
