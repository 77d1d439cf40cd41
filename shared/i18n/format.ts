/**
 * Dates, times, numbers and sizes in the reader's language, through `Intl`
 * (never hand-built strings): "14:05" or "02:05 PM", "7 dic 2026",
 * "hace 5 minutos", "12.345,6", "1,5 MB". Every function takes the locale
 * last, so a page passes its active one.
 */
import type { Locale } from "./index.ts";

type When = Date | string | number;

const toDate = (when: When) => (when instanceof Date ? when : new Date(when));
const valid = (d: Date) => !Number.isNaN(d.getTime());

/** The hour and minute: "14:05" (es), "02:05 PM" (en). Empty for a date that is not one. */
export function formatTime(when: When, locale: Locale): string {
  const d = toDate(when);
  return valid(d) ? new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(d) : "";
}

/** The day: "Dec 7" / "7 dic" in the same year as `now`, with the year otherwise. */
export function formatDate(when: When, locale: Locale, now: Date = new Date()): string {
  const d = toDate(when);
  if (!valid(d)) return "";
  const year = d.getFullYear() === now.getFullYear() ? {} : { year: "numeric" as const };
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", ...year }).format(d);
}

/** The full date and time, for a tooltip or an account's sessions. */
export function formatDateTime(when: When, locale: Locale): string {
  const d = toDate(when);
  return valid(d) ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(d) : "";
}

/** Each unit, with how many seconds it lasts, largest first. */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/**
 * How long ago (or how far ahead) `when` is from `now`, in the largest whole
 * unit: "hace 5 minutos", "in 2 hours", "ayer", "now" under a minute.
 */
export function formatRelative(when: When, locale: Locale, now: Date = new Date()): string {
  const d = toDate(when);
  if (!valid(d)) return "";
  const seconds = (d.getTime() - now.getTime()) / 1000;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(0, "second");
}

/** A number with the language's separators: 12,345.6 (en), 12.345,6 (es). */
export const formatNumber = (n: number, locale: Locale, options?: Intl.NumberFormatOptions) =>
  new Intl.NumberFormat(locale, options).format(n);

const BYTE_UNITS = ["kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/**
 * A size in the units people read, in units of 1024 as file managers show them:
 * "512 B", "1.5 kB" / "1,5 kB", "25 MB". One decimal below 10, none above.
 */
export function formatBytes(bytes: number, locale: Locale): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "";
  if (bytes < 1024) return `${formatNumber(bytes, locale)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // Rounded first, so 1023.96 kB reads "1 MB", never "1024 kB" or "10.0".
  let shown = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  if (shown >= 1024 && unit < BYTE_UNITS.length - 1) {
    shown = 1;
    unit++;
  }
  return formatNumber(shown, locale, { style: "unit", unit: BYTE_UNITS[unit], maximumFractionDigits: 1 });
}
