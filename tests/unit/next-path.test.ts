/** `?next=` after sign-in: a path on this site comes back as it is; anything that could leave the site becomes "/". */
import { describe, expect, test } from "bun:test";
import { safeNextPath } from "../../client/app/lib/next-path.ts";

describe("safeNextPath", () => {
  const kept: [string, string][] = [
    ["/", "/"],
    ["/room/lobby/", "/room/lobby/"],
    ["/room/lobby/?x=1#latest", "/room/lobby/?x=1#latest"],
    ["/account", "/account"],
    ["/room/caf%C3%A9/", "/room/caf%C3%A9/"],
    // Dot segments resolve on this site, as a browser would resolve them.
    ["/a/../room/lobby/", "/room/lobby/"],
  ];
  test.each(kept)("keeps %p as %p", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  const refused: [string, unknown][] = [
    ["another site", "https://evil.example/"],
    ["another site, http", "http://evil.example"],
    ["protocol-relative", "//evil.example/"],
    ["protocol-relative, three slashes", "///evil.example/"],
    ["backslash read as slash", "/\\evil.example"],
    ["backslash after slashes", "//\\evil.example"],
    ["tab dropped by the browser", "/\t/evil.example"],
    ["newline dropped by the browser", "/\n/evil.example"],
    ["carriage return", "/\r/evil.example"],
    ["encoded slash", "/%2F/evil.example"],
    ["encoded slash, lower case", "/%2f/evil.example"],
    ["encoded backslash", "/%5C/evil.example"],
    ["javascript: URL", "javascript:alert(1)"],
    ["javascript: with spaces", " javascript:alert(1)"],
    ["data: URL", "data:text/html,<script>alert(1)</script>"],
    ["relative path", "room/lobby"],
    ["bare host", "evil.example"],
    ["leading space", " /room/lobby/"],
    ["NUL", "/\u0000/evil.example"],
    ["C1 control", "/\u0085evil"],
    ["broken percent-encoding", "/%E0%A4%A"],
    ["too long", `/${"a".repeat(5000)}`],
    ["empty", ""],
    ["null", null],
    ["undefined", undefined],
    ["not a string", ["/room/lobby/"]],
  ];
  test.each(refused)("%s (%p) → '/'", (_what, next) => {
    expect(safeNextPath(next as string)).toBe("/");
  });
});
