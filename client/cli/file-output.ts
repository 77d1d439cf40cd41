/**
 * Writing a downloaded file where the user said, with the care the credentials
 * file gets: never through a symbolic link someone left at the target (a link
 * there, dangling or not, would send the bytes wherever it points).
 *
 * A new file is opened O_CREAT|O_EXCL|O_NOFOLLOW: it cannot be a file or a link
 * that is already there, so nothing is overwritten. `replace` writes a fresh
 * temporary file beside the target the same way, then renames it over the
 * target (rename replaces a link itself, never what it points to). A download
 * that fails half-way leaves nothing behind.
 */
import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CommandFailedError } from "./usage.ts";

/** The target exists and the user did not ask to replace it. */
export class TargetExistsError extends CommandFailedError {
  override name = "TargetExistsError";
}

const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Creates `path` (mode 0666 less the umask, like any download) and fills it from `body`; removes it if that fails. */
async function createFrom(path: string, body: ReadableStream<Uint8Array>): Promise<number> {
  let fd: number;
  try {
    fd = openSync(path, NEW_FILE, 0o666);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new TargetExistsError((t) => t("cli.targetExists", { path }));
    throw error;
  }
  let written = 0;
  try {
    for await (const chunk of body) {
      for (let at = 0; at < chunk.byteLength; ) at += writeSync(fd, chunk, at);
      written += chunk.byteLength;
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkSync(path);
    throw error;
  }
  closeSync(fd);
  return written;
}

/**
 * Writes `body` to `path`, which must not exist yet — or, with `replace`,
 * replaces what is there (a file, or a link, never its target). Returns the bytes written.
 */
export async function writeDownload(
  path: string,
  body: ReadableStream<Uint8Array>,
  { replace = false } = {},
): Promise<number> {
  if (!replace) return createFrom(path, body);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${crypto.randomUUID()}.part`);
  const written = await createFrom(temp, body);
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
  return written;
}
