import { type ConnectionStatus, connectionLabel } from "../lib/connection-status.ts";

export function ConnectionBadge(props: { status: ConnectionStatus }) {
  return (
    <span id="connection-status" class="connection-badge" data-state={props.status} role="status">
      <span class="dot" aria-hidden="true" />
      {connectionLabel[props.status]}
    </span>
  );
}
