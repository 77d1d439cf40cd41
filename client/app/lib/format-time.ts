/** How a message's time reads: the hour alone today, with the date before that. */
export function formatMessageTime(iso: string, now: Date = new Date(), locale?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  const time = at.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
  if (sameDay) return time;
  const date = at.toLocaleDateString(locale, { day: "numeric", month: "short", ...(at.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }) });
  return `${date}, ${time}`;
}

/** The full date and time, for a tooltip. */
export const formatFullTime = (iso: string, locale?: string) => new Date(iso).toLocaleString(locale);
