/**
 * How times read in the app, in the reader's locale: the hour as that locale
 * writes it, without a leading zero ("9:05", "9:05 AM"), the date before it
 * when it is not today. `locale` is the reader's: `readerLocale` of the page's
 * language (the browser's by default). Formatters are made once per locale
 * and option set: a long timeline formats hundreds of times.
 */

/**
 * The tag dates are written with: the browser's own when it speaks the page's
 * language (so en-GB keeps its 24-hour clock, es-MX its order), else the
 * language alone ("es" in an English browser switched to Spanish).
 *
 * @example readerLocale("es", "en-GB") // "es"
 */
export function readerLocale(language: string, browserLanguage: string | undefined): string {
  const primary = browserLanguage?.toLowerCase().split(/[-_]/)[0];
  return browserLanguage && primary === language ? browserLanguage : language;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, made);
  }
  return made;
}

const CLOCK: Intl.DateTimeFormatOptions = { hour: "numeric", minute: "2-digit" };

function parse(iso: string): Date | null {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The time of day alone ("9:05", "9:05 AM"): a continuation line's time, beside its group's first. */
export function formatClockTime(iso: string, locale?: string): string {
  const at = parse(iso);
  return at ? formatter(locale, CLOCK).format(at) : "";
}

/** How a message's time reads: the hour alone today, with the date before that ("20 Nov, 9:05"). */
export function formatMessageTime(iso: string, now: Date = new Date(), locale?: string): string {
  const at = parse(iso);
  if (!at) return "";
  const time = formatter(locale, CLOCK).format(at);
  const sameDay =
    at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  if (sameDay) return time;
  const date = formatter(locale, {
    day: "numeric",
    month: "short",
    ...(at.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
  }).format(at);
  return `${date}, ${time}`;
}

const FULL: Intl.DateTimeFormatOptions = { weekday: "long", day: "numeric", month: "long", year: "numeric", ...CLOCK };

/** The full date and time, for a tooltip ("Monday 23 November 2026 at 9:05"). */
export function formatFullTime(iso: string, locale?: string): string {
  const at = parse(iso);
  return at ? formatter(locale, FULL).format(at) : "";
}
