/**
 * Resident memory of another process (Linux /proc), for tests that bound what a
 * client can make a server hold. The peak (VmHWM) catches what one event-loop turn
 * allocates and frees before anything could sample it; writing "5" to clear_refs
 * resets it to the current RSS.
 */
import { readFileSync, writeFileSync } from "node:fs";

function statusKiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = readFileSync(`/proc/${pid}/status`, "utf8").match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Bytes resident now. */
export const rssBytes = (pid: number) => statusKiB(pid, "VmRSS") * 1024;

/** Bytes resident at the most, since the last `resetPeakRss` (or since the process started). */
export const peakRssBytes = (pid: number) => statusKiB(pid, "VmHWM") * 1024;

/** Starts a new peak measurement from the current RSS; returns that RSS. */
export function resetPeakRss(pid: number): number {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
  return rssBytes(pid);
}

export const MiB = 1024 * 1024;
