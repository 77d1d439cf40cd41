import { describe, expect, test } from "bun:test";
import { COLLAPSE_CHARS, COLLAPSE_LINES, isLongMessage } from "../../client/app/lib/long-message.ts";
import { AVATAR_COLOURS, avatarColour, initialsOf } from "../../client/app/lib/sender-avatar.ts";

describe("isLongMessage (what starts collapsed behind Show more)", () => {
  test(`more than ${COLLAPSE_LINES} lines collapses; that many does not`, () => {
    expect(isLongMessage(Array.from({ length: COLLAPSE_LINES }, (_, i) => `line ${i}`).join("\n"))).toBe(false);
    expect(isLongMessage(Array.from({ length: COLLAPSE_LINES + 1 }, (_, i) => `line ${i}`).join("\n"))).toBe(true);
  });

  test(`more than ${COLLAPSE_CHARS} characters on one line collapses; a short message does not`, () => {
    expect(isLongMessage("x".repeat(COLLAPSE_CHARS))).toBe(false);
    expect(isLongMessage("x".repeat(COLLAPSE_CHARS + 1))).toBe(true);
    expect(isLongMessage("hi")).toBe(false);
    expect(isLongMessage("")).toBe(false);
  });
});

describe("the placeholder avatar", () => {
  test("shows the first letters of up to two words of the name, upper-cased", () => {
    expect(initialsOf("ann")).toBe("A");
    expect(initialsOf("Ann Lee")).toBe("AL");
    expect(initialsOf("ben_smith_jr")).toBe("BS");
    expect(initialsOf("émile")).toBe("É");
    expect(initialsOf("bob_9c7e")).toBe("B");
    expect(initialsOf("7eleven")).toBe("7");
    expect(initialsOf("   ")).toBe("?");
  });

  test("gives a name the same colour every time, whatever its case, from the palette", () => {
    expect(avatarColour("ann")).toBe(avatarColour("ann"));
    expect(avatarColour("Ann")).toBe(avatarColour("ann"));
    const used = new Set(["ann", "ben", "cat", "dan", "eve", "fay", "gus", "hal", "ivy", "jo"].map(avatarColour));
    for (const colour of used) expect(AVATAR_COLOURS).toContain(colour as (typeof AVATAR_COLOURS)[number]);
    expect(used.size).toBeGreaterThan(3);
  });

  test("every colour of the palette carries white initials at 4.5:1 or more (WCAG AA)", () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5]
        .map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    for (const colour of AVATAR_COLOURS) expect(1.05 / (luminance(colour) + 0.05)).toBeGreaterThanOrEqual(4.5);
  });
});
