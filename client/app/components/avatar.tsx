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
  // Drawn by CSS (::before, from data-initials), so the letters are no part of the text around them (a name, an option).
  const initials = () => initialsOf(name());
  const style = () => ({
    width: `${size()}px`,
    height: `${size()}px`,
    "font-size": `${Math.round(size() * 0.42)}px`,
    "background-color": avatarColourOf(props.username),
  });
  return (
    <Show
      when={profile()?.avatarUrl}
      fallback={
        <Show
          when={props.label}
          fallback={
            <span
              class="avatar initials"
              style={style()}
              aria-hidden="true"
              data-avatar={props.username}
              data-initials={initials()}
            />
          }
        >
          {(label) => (
            <span
              class="avatar initials"
              style={style()}
              role="img"
              aria-label={label()}
              data-avatar={props.username}
              data-initials={initials()}
            />
          )}
        </Show>
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
