/**
 * The app's own keys, wherever the focus is: Ctrl+K / ⌘K opens the quick
 * switcher, Alt+↑ / Alt+↓ go to the previous / next of your rooms (in the
 * sidebar's order), Esc closes what the app itself holds open (the rooms
 * drawer; dialogs and panels close themselves). Pure: app.tsx acts on it.
 */
import type { KeyPress } from "./feed-keys.ts";

export type AppKey = "switcher" | "next-room" | "previous-room" | "close";

export function appKey(key: KeyPress): AppKey | null {
  if ((key.ctrlKey || key.metaKey) && !key.altKey && !key.shiftKey && key.key.toLowerCase() === "k") return "switcher";
  if (key.altKey && !key.ctrlKey && !key.metaKey && !key.shiftKey) {
    if (key.key === "ArrowDown") return "next-room";
    if (key.key === "ArrowUp") return "previous-room";
  }
  if (key.key === "Escape" && !key.altKey && !key.ctrlKey && !key.metaKey) return "close";
  return null;
}
