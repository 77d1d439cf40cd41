/**
 * Preloaded into a Parlor child process by `startParlorProcess({ memoryProbe: true })`
 * (`bun --preload`), never part of the server: production cannot reach it. Over
 * the IPC channel the test asks "measure"; the child collects its garbage
 * (`Bun.gc(true)`) and answers what stays live: RSS and the JavaScript heap.
 */
import { heapStats } from "bun:jsc";

export interface MemoryReading {
  /** Resident bytes after the collection. */
  rss: number;
  /** Bytes the collector counts as live in the JavaScript heap (strings' buffers included). */
  heapSize: number;
  /** Bytes the heap has reserved (live or not). */
  heapCapacity: number;
  /** Bytes allocated outside the heap that the collector was told about. */
  extraMemorySize: number;
}

process.on("message", (message: unknown) => {
  if (message !== "measure") return;
  Bun.gc(true);
  const heap = heapStats();
  const reading: MemoryReading = {
    rss: process.memoryUsage().rss,
    heapSize: heap.heapSize,
    heapCapacity: heap.heapCapacity,
    extraMemorySize: heap.extraMemorySize,
  };
  process.send?.(reading);
});
