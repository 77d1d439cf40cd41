import { Show } from "solid-js";
import { avatarColourOf, initialsOf } from "../lib/initials.ts";
import { usePeople } from "../lib/people.ts";

export interface AvatarProps {
  username: string;
  /** Its side in CSS pixels (square). */
  size?: number;
  /**
   * What it says to assistive tech when it stands alone. Beside the person's
   * name (the usual case) leave it out: the picture is then decorative, and a
   * screen reader does not read the name twice.
   */
  label?: string;
}

/** A person's picture (`avatarUrl`) or, without one, their initials on their own colour (initials.ts). */
export function Avatar(props: AvatarProps) {
  const people = usePeople();
  const size = () => props.size ?? 32;
  const profile = () => people.profile(props.username);
  const name = () => people.name(props.username);
  return (
    <Show
      when={profile()?.avatarUrl}
      fallback={
        <span
          class="avatar initials"
          style={{
            width: `${size()}px`,
            height: `${size()}px`,
            "font-size": `${Math.round(size() * 0.42)}px`,
            "background-color": avatarColourOf(props.username),
          }}
          role={props.label ? "img" : undefined}
          aria-label={props.label}
          aria-hidden={props.label ? undefined : "true"}
          data-avatar={props.username}
          // Drawn by CSS (::before), so the letters are no part of the text around it (a name, an option).
          data-initials={initialsOf(name())}
        />
      }
    >
      {(url) => (
        <img
          class="avatar"
          src={url()}
          alt={props.label ?? ""}
          width={size()}
          height={size()}
          loading="lazy"
          data-avatar={props.username}
        />
      )}
    </Show>
  );
}
