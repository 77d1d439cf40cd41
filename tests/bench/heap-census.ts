/**
 * Preloaded into a Parlor child by idle-heap.ts (`bun --preload`), never part of
 * the server. Over the IPC channel the driver asks "census"; the child collects
 * its garbage (`Bun.gc(true)`), reads its RSS and `bun:jsc` heap statistics, then
 * takes a heap snapshot and answers the live bytes and objects summed by kind:
 * an object's constructor name, a closure's function name, "(string)", and so on
 * ("holders": by kind and first holder; "stats": no snapshot).
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
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * Self sizes summed by kind; strings and numbers by type only (their names are
 * their contents). With `holders`, by kind and first holder as well
 * ("Set (object) <- Relay.riders"): where a kind's bytes hang.
 */
export function kindsOf(snapshot: V8Snapshot, holders = false): Record<string, [number, number]> {
  const { node_fields: fields, node_types, edge_fields, edge_types } = snapshot.snapshot.meta;
  const types = node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt, edgesAt] = ["type", "name", "self_size", "edge_count"].map((f) => fields.indexOf(f));
  const { nodes, edges, strings } = snapshot;
  const count = nodes.length / width;
  const kindOf = (n: number) => {
    const type = types[nodes[n * width + typeAt!]!] ?? "?";
    const named = type === "object" || type === "closure" || type === "native" || type === "hidden";
    return named ? `${strings[nodes[n * width + nameAt!]!]} (${type})` : `(${type})`;
  };
  /** Each node's first holder, as "kind.edge". */
  const holder: string[] = [];
  if (holders) {
    const ew = edge_fields.length;
    const [edgeTypeAt, edgeNameAt, toAt] = ["type", "name_or_index", "to_node"].map((f) => edge_fields.indexOf(f));
    for (let n = 0, e = 0; n < count; n++) {
      const end = e + nodes[n * width + edgesAt!]! * ew;
      for (; e < end; e += ew) {
        const to = edges[e + toAt!]! / width;
        if (holder[to] !== undefined) continue;
        const edgeType = edge_types[0][edges[e + edgeTypeAt!]!];
        const name = edgeType === "element" || edgeType === "hidden" ? "[]" : strings[edges[e + edgeNameAt!]!];
        holder[to] = `${kindOf(n).replace(/ \(\w+\)$/, "")}.${name}`;
      }
    }
  }
  const kinds: Record<string, [number, number]> = {};
  for (let n = 0; n < count; n++) {
    const kind = holders ? `${kindOf(n)} <- ${holder[n] ?? "?"}` : kindOf(n);
    const entry = (kinds[kind] ??= [0, 0]);
    entry[0] += nodes[n * width + sizeAt!]!;
    entry[1]++;
  }
  return kinds;
}

/** `withSnapshot` false: the statistics only (a snapshot's own garbage would weigh on the next RSS reading). */
function census(withSnapshot: boolean, holders: boolean): Census {
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
    kinds: snapshot ? kindsOf(snapshot, holders) : {},
  };
}

process.on("message", (message: unknown) => {
  if (message === "census" || message === "stats" || message === "holders")
    process.send?.(census(message !== "stats", message === "holders"));
});
