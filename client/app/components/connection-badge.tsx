import type { ConnectionStatus } from "../lib/connection-status.ts";
import { useT } from "../lib/locale.ts";

const labelKey = {
  connecting: "roomPage.connecting",
  live: "roomPage.live",
  reconnecting: "roomPage.reconnecting",
  closed: "roomPage.disconnected",
} as const satisfies Record<ConnectionStatus, string>;

export function ConnectionBadge(props: { status: ConnectionStatus }) {
  const t = useT();
  return (
    <span id="connection-status" class="connection-badge" data-state={props.status} role="status">
      <span class="dot" aria-hidden="true" />
      {t(labelKey[props.status])}
    </span>
  );
}
