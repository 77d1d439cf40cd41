import { Avatar } from "./avatar.tsx";
import { PersonName } from "./person-name.tsx";

/**
 * Who sent a message, as the timeline shows it at the top of a group: the face
 * in the gutter (their picture, or initials on their colour) and their name in
 * the header (display name, the username as its tooltip). The face is
 * decoration: the name and the message's label say who it is.
 */
export function SenderAvatar(props: { sender: string }) {
  return <Avatar username={props.sender} size={36} />;
}

export function SenderName(props: { sender: string }) {
  return <PersonName class="sender" username={props.sender} />;
}
