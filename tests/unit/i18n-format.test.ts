/** Dates, times, numbers, sizes and relative times in each language, through Intl. */
import { describe, expect, test } from "bun:test";
import { formatBytes, formatDate, formatNumber, formatRelative, formatTime } from "../../shared/i18n/format.ts";

// A local time, so the assertions hold in any time zone.
const at = new Date(2026, 10, 23, 14, 5, 9);

describe("format", () => {
  test("times: 24-hour in Spanish, AM/PM in English", () => {
    expect(formatTime(at, "es")).toBe("14:05");
    expect(formatTime(at, "en")).toBe("02:05 PM");
    expect(formatTime("not a date", "es")).toBe("");
  });

  test("dates: the year only when it is not this one", () => {
    expect(formatDate(at, "es", new Date(2026, 11, 1))).toBe("23 nov");
    expect(formatDate(at, "en", new Date(2026, 11, 1))).toBe("Nov 23");
    expect(formatDate(at, "es", new Date(2027, 0, 1))).toBe("23 nov 2026");
    expect(formatDate(at, "en", new Date(2027, 0, 1))).toBe("Nov 23, 2026");
  });

  test("relative times: 'hace 5 minutos', 'ayer', 'now'", () => {
    const now = new Date(at.getTime() + 5 * 60_000 + 20_000);
    expect(formatRelative(at, "es", now)).toBe("hace 5 minutos");
    expect(formatRelative(at, "en", now)).toBe("5 minutes ago");
    expect(formatRelative(at, "es", new Date(at.getTime() + 26 * 3600_000))).toBe("ayer");
    expect(formatRelative(at, "en", new Date(at.getTime() + 3 * 3600_000))).toBe("3 hours ago");
    expect(formatRelative(at, "es", new Date(at.getTime() + 10_000))).toBe("ahora");
    expect(formatRelative(new Date(at.getTime() + 2 * 3600_000), "en", at)).toBe("in 2 hours");
  });

  test("numbers with each language's separators", () => {
    expect(formatNumber(12345.6, "en")).toBe("12,345.6");
    expect(formatNumber(12345.6, "es")).toBe("12.345,6");
  });

  test("sizes in units of 1024, one decimal below 10", () => {
    expect(formatBytes(512, "en")).toBe("512 B");
    expect(formatBytes(1536, "en")).toBe("1.5 kB");
    expect(formatBytes(1536, "es")).toBe("1,5 kB");
    expect(formatBytes(25 * 1024 * 1024, "es")).toBe("25 MB");
    expect(formatBytes(1024 * 1024 - 1, "en")).toBe("1 MB");
    expect(formatBytes(-1, "en")).toBe("");
  });
});
