import { describe, expect, test } from "bun:test";
import { COLLAPSE_CHARS, COLLAPSE_LINES, isLongMessage } from "../../client/app/lib/long-message.ts";

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
