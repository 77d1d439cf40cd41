/**
 * Where the CLI remembers a session token between runs: one file under the
 * user's config directory, readable by the user only, one entry per server.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface SavedSession {
  username: string;
  token: string;
}

type Store = Record<string, SavedSession>;

/** `$XDG_CONFIG_HOME/parlor/credentials.json`, else `~/.config/parlor/credentials.json`. */
export function credentialsPath(env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "parlor", "credentials.json");
}

function read(path: string): Store {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Store;
  } catch {
    return {};
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
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
