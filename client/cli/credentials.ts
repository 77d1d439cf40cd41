/**
 * Where the CLI remembers a session token between runs: one file under the
 * user's config directory, readable by the user only, one entry per server.
 *
 * The file is never written through a symbolic link, and never exists with
 * looser permissions even for a moment: a new file is created 0600 under a
 * fresh temporary name in the same directory (O_CREAT|O_EXCL|O_NOFOLLOW: it
 * cannot be a file or link someone prepared), then renamed over the old one
 * (rename replaces a link itself, never its target).
 */
import {
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface SavedSession {
  username: string;
  token: string;
}

type Store = Record<string, SavedSession>;

/** The credentials file is a symbolic link (or otherwise unsafe): the CLI will not read or write through it. */
export class UnsafeCredentialsFileError extends Error {
  override name = "UnsafeCredentialsFileError";
  constructor(
    message: string,
    /** The file, for a message in the terminal's language (`cli.unsafeCredentials`). */
    readonly path: string,
  ) {
    super(message);
  }
}

/** `$XDG_CONFIG_HOME/parlor/credentials.json`, else `~/.config/parlor/credentials.json`. */
export function credentialsPath(env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "parlor", "credentials.json");
}

const symlinkError = (path: string) =>
  new UnsafeCredentialsFileError(
    `${path} is a symbolic link: refusing to keep a session token through it. Remove it and sign in again.`,
    path,
  );

function read(path: string): Store {
  let fd: number;
  try {
    // O_NOFOLLOW: a link planted at the path is refused, not followed (ELOOP).
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") throw symlinkError(path);
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(fd, "utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Store) : {};
  } catch {
    return {};
  } finally {
    closeSync(fd);
  }
}

/** Replaces `path` with `content`, created 0600 and never through a link. */
function writePrivateFile(path: string, content: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) throw symlinkError(path);
  const temp = join(dir, `.credentials-${process.pid}-${crypto.randomUUID()}.tmp`);
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    unlinkSync(temp);
    throw error;
  }
}

const keyOf = (serverUrl: string) => new URL(serverUrl).origin;

export function loadSession(path: string, serverUrl: string): SavedSession | null {
  return read(path)[keyOf(serverUrl)] ?? null;
}

export function saveSession(path: string, serverUrl: string, session: SavedSession | null): void {
  const store = read(path);
  if (session) store[keyOf(serverUrl)] = session;
  else delete store[keyOf(serverUrl)];
  writePrivateFile(path, `${JSON.stringify(store, null, 2)}\n`);
}
