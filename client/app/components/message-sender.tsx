import { avatarColour, initialsOf } from "../lib/sender-avatar.ts";

/**
 * Who sent a message, as the timeline shows it at the top of a group: the face
 * in the gutter and the name in the header. One place to change when people
 * get display names and pictures. The face is decoration (the name and the
 * message's label say who it is), so it is hidden from screen readers.
 */
export function SenderAvatar(props: { sender: string }) {
  return (
    <span class="avatar" aria-hidden="true" style={{ "background-color": avatarColour(props.sender) }}>
      {initialsOf(props.sender)}
    </span>
  );
}

export function SenderName(props: { sender: string }) {
  return <span class="sender">{props.sender}</span>;
}
