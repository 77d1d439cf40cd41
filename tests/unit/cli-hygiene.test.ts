/** What the CLI prints and keeps: server text neutralised, a private credentials file, a warning before secrets cross plain HTTP. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSession, saveSession, UnsafeCredentialsFileError } from "../../client/cli/credentials.ts";
import { dispositionName, localName } from "../../client/cli/file-commands.ts";
import { formatAttachment, formatChange, formatMessage, printable, printableJson } from "../../client/cli/format.ts";
import { isLoopbackHost, plainHttpWarning } from "../../client/cli/transport.ts";

describe("printable", () => {
  const cases: [string, string, string][] = [
    ["plain text", "hello, world", "hello, world"],
    ["accents and emoji stay", "café 💬", "café 💬"],
    ["ESC of a clear-screen sequence", "\u001b[2Jgone", "\\x1b[2Jgone"],
    ["ESC of a window-title (OSC) sequence", "\u001b]0;pwned\u0007", "\\x1b]0;pwned\\x07"],
    ["C1 CSI (one byte)", "\u009b31mred", "\\x9b31mred"],
    ["NUL and DEL", "a\u0000b\u007fc", "a\\x00b\\x7fc"],
    ["backspace that would hide a word", "rm\b\b\bok", "rm\\x08\\x08\\x08ok"],
    ["carriage return that would overwrite the line", "safe\rEVIL", "safe\\rEVIL"],
    ["newline, tab", "a\nb\tc", "a\\nb\\tc"],
    ["right-to-left override", "invoice\u202Egpj.exe", "invoice\\u202egpj.exe"],
    ["bidi isolates and marks", "\u2066x\u2069\u200F\u061C", "\\u2066x\\u2069\\u200f\\u061c"],
    ["line separator", "a\u2028b", "a\\u2028b"],
  ];
  test.each(cases)("%s: %p → %p", (_what, input, expected) => {
    expect(printable(input)).toBe(expected);
  });

  test("with newlines, a line break stays one (everything else is still escaped)", () => {
    expect(printable("one\ntwo\u001b[K", { newlines: true })).toBe("one\ntwo\\x1b[K");
  });
});

describe("printableJson", () => {
  test("JSON with ESC, C1 and an RTL override prints as valid JSON with \\u escapes and parses back to the same value", () => {
    const value = { text: "a\u001b[2Jb\u0085c\u202Ed", sender: "ann" };
    const out = printableJson(value);
    expect(out).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u202A-\u202E]/);
    expect(out).toContain("\\u001b[2J");
    expect(out).toContain("\\u0085");
    expect(out).toContain("\\u202e");
    expect(JSON.parse(out)).toEqual(value);
  });
});

describe("formatMessage", () => {
  test("a message whose sender and text carry escape sequences prints them visibly, on lines that cannot pass as another message", () => {
    const line = formatMessage({
      id: 1,
      room: "lobby",
      seq: 7,
      sender: "ann\u001b[31m",
      text: "hi\n[2026-01-01 00:00:00] #8 ben: fake\u001b[2J",
      timestamp: new Date().toISOString(),
      editedAt: null,
      deleted: false,
      replyTo: null,
      reactions: [{ emoji: "\u202E👍", users: ["ben"] }],
      attachments: [],
    });
    expect(line).toMatch(
      /^\[[^\]]+\] #7 ann\\x1b\[31m: hi\n {4}\[2026-01-01 00:00:00\] #8 ben: fake\\x1b\[2J \[\\u202e👍 1\]$/,
    );
  });

  test("a file whose name carries escape sequences and a bidi override is listed with them visible, its URL on the server given", () => {
    const file = {
      id: "abcdefghijklmnop",
      name: "pic\u001b]0;x\u0007\u202Egnp.exe",
      type: "image/png",
      size: 1536,
      width: 1,
      height: 1,
      url: "/files/abcdefghijklmnop/pic",
      thumbnailUrl: null,
    };
    expect(formatAttachment(file, "https://chat.example")).toBe(
      "📎 pic\\x1b]0;x\\x07\\u202egnp.exe (1.5 KiB) https://chat.example/files/abcdefghijklmnop/pic",
    );
  });

  test("an edit entry whose editor and new text carry escape sequences prints them visibly", () => {
    expect(
      formatChange({
        kind: "edit",
        seq: 9,
        by: "ben\u009b",
        target: 7,
        text: "new\u001b]0;title\u0007",
        editedAt: new Date().toISOString(),
      }),
    ).toBe("#9 ben\\x9b edited #7: new\\x1b]0;title\\x07");
  });
});

describe("plainHttpWarning", () => {
  test.each([
    ["http://localhost:3000", null],
    ["http://app.localhost", null],
    ["http://127.0.0.1:3000", null],
    ["http://127.8.9.10", null],
    ["http://[::1]:3000", null],
    ["http://[::ffff:127.0.0.1]", null],
    ["https://chat.example.com", null],
  ])("%p: no warning", (url, expected) => {
    expect(plainHttpWarning(url, "your session token")).toBe(expected);
  });

  test.each([
    "http://chat.example.com",
    "http://10.0.0.5:3000",
    "http://[2001:db8::1]",
    "http://localhost.evil.example",
    "http://128.0.0.1",
  ])("%p: a warning naming the host and the secret", (url) => {
    const warning = plainHttpWarning(url, "your session token");
    expect(warning).toContain("plain HTTP");
    expect(warning).toContain("your session token");
    expect(warning).toContain(new URL(url).host);
  });

  test("isLoopbackHost: 'localhost' and 127.x yes, 'localhost.evil.example' and 0.0.0.0 no", () => {
    expect([
      isLoopbackHost("localhost"),
      isLoopbackHost("127.0.0.1"),
      isLoopbackHost("localhost.evil.example"),
      isLoopbackHost("0.0.0.0"),
    ]).toEqual([true, true, false, false]);
  });
});

describe("credentials file", () => {
  let dir: string;
  let path: string;
  const server = "http://localhost:3000";
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "parlor-creds-"));
    path = join(dir, "parlor", "credentials.json");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("saving creates the file 0600 in a 0700 directory, with no temporary file left behind, and reads back", () => {
    saveSession(path, server, { username: "ann", token: "secret-token" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "parlor")).mode & 0o777).toBe(0o700);
    expect(readdirSync(join(dir, "parlor"))).toEqual(["credentials.json"]);
    expect(loadSession(path, server)).toEqual({ username: "ann", token: "secret-token" });
  });

  test("an existing world-readable file (0644) is replaced by a 0600 one, not rewritten in place", () => {
    mkdirSync(join(dir, "parlor"));
    writeFileSync(path, "{}", { mode: 0o644 });
    const before = statSync(path).ino;
    saveSession(path, server, { username: "ann", token: "secret-token" });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(path).ino).not.toBe(before);
  });

  test("a symbolic link at the path is refused for writing and for reading; its target is untouched", () => {
    mkdirSync(join(dir, "parlor"));
    const target = join(dir, "elsewhere.json");
    writeFileSync(target, "attacker's file\n", { mode: 0o644 });
    symlinkSync(target, path);
    expect(() => saveSession(path, server, { username: "ann", token: "secret-token" })).toThrow(
      UnsafeCredentialsFileError,
    );
    expect(() => loadSession(path, server)).toThrow(UnsafeCredentialsFileError);
    expect(readFileSync(target, "utf8")).toBe("attacker's file\n");
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readdirSync(join(dir, "parlor"))).toEqual(["credentials.json"]);
  });

  test("a dangling symbolic link (pointing where a file would be created) is refused too, and nothing is created there", () => {
    mkdirSync(join(dir, "parlor"));
    const target = join(dir, "planted.json");
    symlinkSync(target, path);
    expect(() => saveSession(path, server, { username: "ann", token: "secret-token" })).toThrow(
      UnsafeCredentialsFileError,
    );
    expect(() => statSync(target)).toThrow();
  });
});

describe("download's local name", () => {
  test.each([
    ["a plain name", "photo.jpg", "photo.jpg"],
    ["a path climbing out of the directory", "../../.bashrc", "_.._.bashrc"],
    ["a hidden name", ".profile", "profile"],
    ["control and bidi characters", "a\u001b[2J\u202Eb.txt", "a_[2J_b.txt"],
    ["nothing left", "..", "ID"],
    ["no name at all", null, "ID"],
  ] as const)("%s: %p → %p", (_what, name, expected) => {
    expect(localName(name, "ID")).toBe(expected);
  });

  test("the exact UTF-8 name of a Content-Disposition wins over its ASCII fallback", () => {
    expect(dispositionName(`attachment; filename="caf_.txt"; filename*=UTF-8''caf%C3%A9.txt`)).toBe("café.txt");
    expect(dispositionName(`inline; filename="plain.png"`)).toBe("plain.png");
    expect(dispositionName(null)).toBeNull();
  });
});
