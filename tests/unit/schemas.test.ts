import { describe, expect, test } from "bun:test";
import { HistoryInput, LastEventId, MessageText, Password, RoomName, Username } from "../../shared/schemas.ts";

const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: unknown) => schema.safeParse(v).success;
const error = (
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
  v: unknown,
) =>
  schema
    .safeParse(v)
    .error?.issues.map((i) => i.message)
    .join("; ");

describe("RoomName", () => {
  test("accepts letters, digits, '-', '_', '.' from 1 to 64 characters", () => {
    for (const name of ["a", "lobby", "Room-1_x.y", "a".repeat(64), "v1.2"]) expect(ok(RoomName, name)).toBe(true);
  });
  test("refuses empty and 65 characters, saying the bound", () => {
    expect(error(RoomName, "")).toContain("cannot be empty");
    expect(error(RoomName, "a".repeat(65))).toContain("at most 64");
  });
  test("refuses '..', '.', slashes, spaces, encoded slashes and look-alikes", () => {
    expect(error(RoomName, "a..b")).toContain("'..'");
    expect(error(RoomName, "..")).toContain("'..'");
    expect(error(RoomName, ".")).toContain("'.' alone");
    for (const name of ["a/b", "a b", "a%2Fb", "lobbу" /* Cyrillic у */, "ａ", "a\u0000", "<b>"]) {
      expect(error(RoomName, name)).toContain("only letters, digits");
    }
  });
});

describe("RoomName: one canonical form", () => {
  test("any case and a leading '#' give the lower-case name: 'General', '#general', 'GENERAL' are 'general'", () => {
    for (const typed of ["General", "#general", "GENERAL", "#GeNeRaL", "general"])
      expect(RoomName.parse(typed)).toBe("general");
    expect(RoomName.parse("Room-1_X.y")).toBe("room-1_x.y");
    expect(RoomName.parse(`#${"A".repeat(64)}`)).toBe("a".repeat(64));
  });
  test("only one '#' is dropped, and '#' alone is empty; DM names are unchanged", () => {
    expect(error(RoomName, "##general")).toContain("only letters, digits");
    expect(error(RoomName, "#")).toContain("cannot be empty");
    expect(RoomName.parse("dm:1:3")).toBe("dm:1:3");
  });
  test("only A–Z fold: look-alikes that lower-case to ASCII (Kelvin sign, dotted capital I) are still refused", () => {
    for (const name of ["\u212Aeys", "\u0130nbox", "\u212B"])
      expect(error(RoomName, name)).toContain("only letters, digits");
  });
});

describe("MessageText", () => {
  test("is trimmed", () => {
    expect(MessageText.parse("  hi \n")).toBe("hi");
  });
  test("refuses empty and whitespace-only", () => {
    expect(error(MessageText, "")).toContain("cannot be empty");
    expect(error(MessageText, "   \n\t ")).toContain("cannot be empty");
  });
  test("counts characters as people do: 4000 emoji fit, 4001 do not", () => {
    expect(ok(MessageText, "😀".repeat(4000))).toBe(true);
    expect(ok(MessageText, "x".repeat(4000))).toBe(true);
    expect(error(MessageText, "😀".repeat(4001))).toContain("at most 4000");
    expect(error(MessageText, "x".repeat(4001))).toContain("at most 4000");
  });
  test("keeps newlines and tabs, refuses other control characters", () => {
    expect(MessageText.parse("a\nb\tc")).toBe("a\nb\tc");
    for (const c of ["\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085"])
      expect(error(MessageText, `a${c}b`)).toContain("control characters");
  });
  test("markup and SQL are just text", () => {
    expect(MessageText.parse("<script>alert(1)</script>")).toBe("<script>alert(1)</script>");
    expect(MessageText.parse("'; drop table message; --")).toBe("'; drop table message; --");
  });
});

describe("Username and Password", () => {
  test("usernames: 3 to 32 of letters, digits, '_', '-'", () => {
    expect(ok(Username, "ann")).toBe(true);
    expect(ok(Username, "a".repeat(32))).toBe(true);
    expect(error(Username, "an")).toContain("at least 3");
    expect(error(Username, "a".repeat(33))).toContain("at most 32");
    expect(error(Username, "ann smith")).toContain("only letters");
  });
  test("passwords: 8 to 256 characters", () => {
    expect(ok(Password, "12345678")).toBe(true);
    expect(ok(Password, "p".repeat(256))).toBe(true);
    expect(error(Password, "1234567")).toContain("at least 8");
    expect(error(Password, "p".repeat(257))).toContain("at most 256");
  });
});

describe("HistoryInput", () => {
  test("limit defaults to 50 and is 1 to 100", () => {
    expect(HistoryInput.parse({ room: "a" }).limit).toBe(50);
    expect(ok(HistoryInput, { room: "a", limit: 1 })).toBe(true);
    expect(ok(HistoryInput, { room: "a", limit: 100 })).toBe(true);
    expect(error(HistoryInput, { room: "a", limit: 0 })).toContain("at least 1");
    expect(error(HistoryInput, { room: "a", limit: 101 })).toContain("at most 100");
    expect(error(HistoryInput, { room: "a", limit: 2.5 })).toContain("whole number");
  });
  test("before is a seq of 1 or more", () => {
    expect(ok(HistoryInput, { room: "a", before: 1 })).toBe(true);
    expect(error(HistoryInput, { room: "a", before: 0 })).toContain("1 or more");
  });
});

describe("LastEventId", () => {
  test("is a seq written in digits", () => {
    expect(LastEventId.parse("0")).toBe(0);
    expect(LastEventId.parse("42")).toBe(42);
  });
  test("refuses non-numeric, negative, padded and absurdly long ids", () => {
    for (const id of ["", "abc", "-1", "01", "1e3", " 1", "12345678901234567"]) expect(ok(LastEventId, id)).toBe(false);
  });
});
