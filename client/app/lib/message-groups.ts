/**
 * How a room's timeline is laid out: a divider where the day changes, and
 * consecutive messages from one sender within a few minutes shown as one group
 * (the name and time once, at its top). Pure, over the timeline's items in
 * seq order — messages and membership notices — so `bun test` covers it; days
 * are the reader's local days (or a given time zone). A notice takes its own
 * day's divider (one that happened after midnight shows under "Today", not
 * above it) and ends the group before it.
 */

/** Messages this close to the one before, from the same sender on the same day, continue its group. */
export const GROUP_WINDOW_MS = 5 * 60_000;

export interface TimelineMessage {
  /** null for a membership notice: it belongs to no sender's group. */
  sender: string | null;
  /** ISO-8601. */
  timestamp: string;
}

export interface TimelinePlace {
  /** Set on the first message of a day: the day's label ("Today", "Yesterday", "Mon 3 Nov"…). */
  dayDivider: string | null;
  /** The date of that day (YYYY-MM-DD), for a <time datetime>; set with `dayDivider`. */
  day: string | null;
  /** Whether this message shows its sender and time (it starts a group). */
  startsGroup: boolean;
}

export interface TimelineOptions {
  now?: Date;
  locale?: string;
  /** An IANA zone; the reader's own by default. */
  timeZone?: string;
  groupWindowMs?: number;
}

/** YYYY-MM-DD of `at` in `timeZone`. */
function dayKey(at: Date, timeZone: string | undefined): string {
  // en-CA writes dates as YYYY-MM-DD.
  return at.toLocaleDateString("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
}

/** Days from `from` to `to`, both YYYY-MM-DD. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** "Today", "Yesterday", or the date (with the weekday within a week, the year when not this one). */
export function dayLabel(at: Date, { now = new Date(), locale, timeZone }: TimelineOptions = {}): string {
  const day = dayKey(at, timeZone);
  const today = dayKey(now, timeZone);
  const ago = daysBetween(day, today);
  // "Today", "Yesterday" / "Hoy", "Ayer": the language's own words for them.
  if (ago === 0 || ago === 1) {
    const word = new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(-ago, "day");
    return word.charAt(0).toLocaleUpperCase(locale) + word.slice(1);
  }
  const sameYear = day.slice(0, 4) === today.slice(0, 4);
  return at.toLocaleDateString(locale, {
    timeZone,
    weekday: ago > 0 && ago < 7 ? "long" : undefined,
    day: "numeric",
    month: "long",
    year: sameYear ? undefined : "numeric",
  });
}

/** One place per item (message or notice), in the same order. */
export function timelinePlaces(messages: readonly TimelineMessage[], options: TimelineOptions = {}): TimelinePlace[] {
  const window = options.groupWindowMs ?? GROUP_WINDOW_MS;
  const places: TimelinePlace[] = [];
  let previous: { sender: string | null; at: number; day: string } | null = null;
  for (const message of messages) {
    const date = new Date(message.timestamp);
    const at = date.getTime();
    const day = Number.isNaN(at) ? "" : dayKey(date, options.timeZone);
    const newDay = previous === null || day !== previous.day;
    const gap = previous === null ? Infinity : at - previous.at;
    const continues =
      !newDay &&
      message.sender !== null &&
      previous !== null &&
      previous.sender === message.sender &&
      gap >= 0 &&
      gap <= window;
    places.push({
      dayDivider: newDay && day !== "" ? dayLabel(date, options) : null,
      day: newDay && day !== "" ? day : null,
      startsGroup: !continues,
    });
    previous = { sender: message.sender, at, day };
  }
  return places;
}
