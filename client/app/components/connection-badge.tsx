import type { ConnectionStatus } from "../lib/connection-status.ts";
import { useT } from "../lib/locale.ts";

const labelKey = {
  connecting: "roomPage.connecting",
  live: "roomPage.live",
  reconnecting: "roomPage.reconnecting",
  closed: "roomPage.disconnected",
} as const satisfies Record<ConnectionStatus, string>;

/**
 * The room's connection: a dot and its words. On a phone a live (or opening) connection is the dot alone,
 * its words kept for screen readers; one that is lost keeps its words in sight.
 */
export function ConnectionBadge(props: { status: ConnectionStatus }) {
  const t = useT();
  return (
    <span id="connection-status" class="connection-badge" data-state={props.status} role="status">
      <span class="dot" aria-hidden="true" />
      <span class="connection-label">{t(labelKey[props.status])}</span>
    </span>
  );
}
