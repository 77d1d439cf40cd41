/**
 * What the room page says about its live connection, derived from the events
 * of a tRPC subscription: "connecting" until the first `started`, "live" while
 * subscribed, "reconnecting" after a drop until the next `started`.
 */
export type ConnectionStatus = "connecting" | "live" | "reconnecting" | "closed";

/** The connection-state events a subscription observer receives. */
export type ConnectionEvent =
  | { type: "state"; state: "idle" | "connecting" | "pending"; error: unknown }
  | { type: "started" }
  | { type: "stopped" };

export function nextConnectionStatus(current: ConnectionStatus, event: ConnectionEvent): ConnectionStatus {
  switch (event.type) {
    case "started":
      return "live";
    case "stopped":
      return "closed";
    case "state":
      // Until the first `started`, every attempt is still the first connection.
      if (event.state === "connecting") return current === "connecting" ? "connecting" : "reconnecting";
      // "pending" is an open socket whose subscription has not started yet: not live until `started`.
      return current;
  }
}
