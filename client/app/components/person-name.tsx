import { Show } from "solid-js";
import { usePeople } from "../lib/people.ts";

/**
 * How a person is called: their display name, with their username (their
 * identity, what `@` mentions) as the tooltip — or beside it, with `showUsername`.
 * Without a display name, the username alone.
 */
export function PersonName(props: { username: string; class?: string; showUsername?: boolean }) {
  const people = usePeople();
  const name = () => people.name(props.username);
  const named = () => name() !== props.username;
  return (
    <span
      class={props.class ?? "person-name"}
      title={named() ? `@${props.username}` : undefined}
      data-username={props.username}
    >
      {name()}
      <Show when={named() && props.showUsername}>
        <span class="username"> @{props.username}</span>
      </Show>
    </span>
  );
}
