/**
 * Preloaded into a Parlor child by idle-heap.ts (`bun --preload`), never part of
 * the server. Over the IPC channel the driver asks "census"; the child collects
 * its garbage (`Bun.gc(true)`), reads its RSS and `bun:jsc` heap statistics, then
 * takes a heap snapshot and answers the live bytes and objects summed by kind:
 * an object's constructor name, a closure's function name, "(string)", and so on.
 */
import { heapStats } from "bun:jsc";

export interface Census {
  rss: number;
  heapSize: number;
  /** Bytes the JavaScript heap holds from the system (live or not: what the collector has not given back). */
  heapCapacity: number;
  extraMemorySize: number;
  objectCount: number;
  /** `bun:jsc`'s live objects by type (every cell the collector knows). */
  objectTypeCounts: Record<string, number>;
  /** Heap snapshot: kind → [bytes (self sizes), count]. */
  kinds: Record<string, [number, number]>;
}

interface V8Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self sizes summed by kind; strings and numbers by type only (their names are their contents). */
export function kindsOf(snapshot: V8Snapshot): Record<string, [number, number]> {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf("type"), fields.indexOf("name"), fields.indexOf("self_size")];
  const kinds: Record<string, [number, number]> = {};
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]!] ?? "?";
    const named = type === "object" || type === "closure" || type === "native" || type === "hidden";
    const kind = named ? `${strings[nodes[i + nameAt]!]} (${type})` : `(${type})`;
    const entry = (kinds[kind] ??= [0, 0]);
    entry[0] += nodes[i + sizeAt]!;
    entry[1]++;
  }
  return kinds;
}

/** `withSnapshot` false: the statistics only (a snapshot's own garbage would weigh on the next RSS reading). */
function census(withSnapshot: boolean): Census {
  Bun.gc(true);
  const heap = heapStats();
  const rss = process.memoryUsage().rss;
  const snapshot = withSnapshot ? (JSON.parse(Bun.generateHeapSnapshot("v8")) as V8Snapshot) : null;
  return {
    rss,
    heapSize: heap.heapSize,
    heapCapacity: heap.heapCapacity,
    extraMemorySize: heap.extraMemorySize,
    objectCount: heap.objectCount,
    objectTypeCounts: heap.objectTypeCounts,
    kinds: snapshot ? kindsOf(snapshot) : {},
  };
}

process.on("message", (message: unknown) => {
  if (message === "census" || message === "stats") process.send?.(census(message === "census"));
});
