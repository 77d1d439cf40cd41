/**
 * Control events between processes, on one group of the group layer: a user
 * lost access to a room, a room narrowed who may read it, sessions ended. Each process subscribes once; events
 * are validated on arrival like everything else from the layer. After a lag (a
 * backlog dropped, or a Redis reconnect) events may have been missed, so the
 * `lagged` handlers re-check what they hold.
 */
import { CONTROL_GROUP, type ControlEvent, ControlEvent as ControlEventSchema } from "../../shared/schemas.ts";
import { CONTROL_QUEUE_EVENTS } from "../limits/defaults.ts";
import type { GroupLayer } from "./group-layer.ts";

type Handlers = {
  [K in ControlEvent["type"]]: Set<(event: Extract<ControlEvent, { type: K }>) => void>;
};

export interface ControlChannel {
  /** Subscribes (resolves once live) and starts dispatching. */
  start(): Promise<void>;
  publish(event: ControlEvent): Promise<void>;
  on<K extends ControlEvent["type"]>(type: K, handler: (event: Extract<ControlEvent, { type: K }>) => void): () => void;
  /** Called when events may have been missed. */
  onLagged(handler: () => void): () => void;
  close(): void;
}

export function createControlChannel(
  groups: GroupLayer,
  log?: { error(fields: object, message: string): void },
): ControlChannel {
  const handlers: Handlers = { revoke: new Set(), narrowed: new Set(), "sessions-ended": new Set() };
  const lagged = new Set<() => void>();
  const abort = new AbortController();

  const dispatch = (event: ControlEvent) => {
    for (const handler of handlers[event.type] as Set<(e: ControlEvent) => void>) handler(event);
  };

  return {
    async start() {
      const stream = await groups.subscribe(CONTROL_GROUP, { signal: abort.signal, capacity: CONTROL_QUEUE_EVENTS });
      (async () => {
        for await (const delivery of stream) {
          if (delivery.type === "lagged") {
            for (const handler of lagged) handler();
            continue;
          }
          const parsed = ControlEventSchema.safeParse(delivery);
          if (parsed.success) dispatch(parsed.data);
        }
      })().catch((error) =>
        log
          ? log.error({ err: error }, "control channel stopped")
          : console.error("[parlor] control channel stopped", error),
      );
    },
    publish: (event) => groups.publish(CONTROL_GROUP, event),
    on(type, handler) {
      const set = handlers[type] as Set<typeof handler>;
      set.add(handler);
      return () => set.delete(handler);
    },
    onLagged(handler) {
      lagged.add(handler);
      return () => lagged.delete(handler);
    },
    close: () => abort.abort(),
  };
}
