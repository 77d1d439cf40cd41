import { describe, expect, test } from "bun:test";
import { formatClockTime, formatFullTime, formatMessageTime, readerLocale } from "../../client/app/lib/format-time.ts";

// Local times: the formatting reads the reader's day, in the process's time zone.
const at = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo, d, h, mi).toISOString();
const now = new Date(2026, 10, 23, 15, 0);

describe("formatMessageTime", () => {
  test("shows the time alone for today, without a leading zero (9:05, not 09:05)", () => {
    expect(formatMessageTime(at(2026, 10, 23, 9, 5), now, "en-GB")).toBe("9:05");
    expect(formatMessageTime(at(2026, 10, 23, 14, 30), now, "en-GB")).toBe("14:30");
  });

  test("writes the hour as the locale does: 12-hour with AM/PM in en-US", () => {
    expect(formatMessageTime(at(2026, 10, 23, 9, 5), now, "en-US").replace(/\s/g, " ")).toBe("9:05 AM");
    expect(formatMessageTime(at(2026, 10, 23, 21, 5), now, "en-US").replace(/\s/g, " ")).toBe("9:05 PM");
  });

  test("adds the date for earlier days, and the year for earlier years", () => {
    expect(formatMessageTime(at(2026, 10, 20, 9, 5), now, "en-GB")).toBe("20 Nov, 9:05");
    expect(formatMessageTime(at(2025, 0, 2, 9, 5), now, "en-GB")).toBe("2 Jan 2025, 9:05");
  });

  test("shows nothing for a timestamp it cannot read", () => {
    expect(formatMessageTime("not a date", now)).toBe("");
  });
});

describe("formatClockTime", () => {
  test("is the time of day alone, whatever the day (a continuation line's time)", () => {
    expect(formatClockTime(at(2025, 0, 2, 7, 0), "en-GB")).toBe("7:00");
    expect(formatClockTime(at(2025, 0, 2, 7, 0), "es-ES")).toBe("7:00");
    expect(formatClockTime("", "en-GB")).toBe("");
  });
});

describe("formatFullTime", () => {
  test("names the weekday, the date and the time without a leading zero, for a tooltip", () => {
    expect(formatFullTime(at(2026, 10, 23, 9, 5), "en-GB")).toBe("Monday, 23 November 2026 at 9:05");
    expect(formatFullTime("nonsense", "en-GB")).toBe("");
  });
});

describe("readerLocale", () => {
  test("keeps the browser's region when it speaks the page's language, else writes in the page's language alone", () => {
    expect(readerLocale("en", "en-GB")).toBe("en-GB");
    expect(readerLocale("es", "es-MX")).toBe("es-MX");
    expect(readerLocale("es", "en-GB")).toBe("es");
    expect(readerLocale("en", undefined)).toBe("en");
  });

  test("a timeline switched to Spanish writes its dates in Spanish", () => {
    expect(formatMessageTime(at(2026, 10, 20, 9, 5), now, readerLocale("es", "en-US"))).toBe("20 nov, 9:05");
    expect(formatFullTime(at(2026, 10, 23, 9, 5), readerLocale("es", "en-US"))).toBe(
      "lunes, 23 de noviembre de 2026, 9:05",
    );
  });
});
