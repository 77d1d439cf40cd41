/** How the CLI prints messages: one line each, oldest at the top, like a terminal chat. */
import type { RouterOutputs } from "../parlor-client.ts";

type Message = RouterOutputs["room"]["send"];

/** `[2026-11-23 14:05:09] #12 ann: hello` (local time). */
export function formatMessage(m: Message): string {
  const t = new Date(m.timestamp);
  const pad = (n: number) => String(n).padStart(2, "0");
  const when = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
  // Multi-line messages stay readable and cannot forge a line that looks like another message.
  const text = m.text.replaceAll("\n", "\n    ");
  return `[${when}] #${m.seq} ${m.sender}: ${text}`;
}
