import { For, Show } from "solid-js";
import { useT } from "../lib/locale.ts";
import type { MentionPicker } from "../lib/mention-picker.ts";
import { usePeople } from "../lib/people.ts";
import { Avatar } from "./avatar.tsx";

export const MENTION_LIST_ID = "mention-list";
export const mentionOptionId = (index: number) => `mention-option-${index}`;

/** The names `@` may complete to, under the composer's text box (which keeps the focus). */
export function MentionList(props: { picker: MentionPicker }) {
  const t = useT();
  const people = usePeople();
  return (
    <Show when={props.picker.open()}>
      <ul id={MENTION_LIST_ID} class="mention-list" role="listbox" aria-label={t("composer.peopleToMention")}>
        <For each={props.picker.options()}>
          {(name, index) => (
            <li
              id={mentionOptionId(index())}
              role="option"
              aria-selected={index() === props.picker.active()}
              classList={{ active: index() === props.picker.active() }}
              // Keeps the focus in the text box, so typing goes on after the pick.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => props.picker.pick(name)}
              onMouseEnter={() => props.picker.setActive(index())}
            >
              <Avatar username={name} size={20} />
              {/* The display name when there is one; what is inserted is always the username. */}
              <Show when={people.profile(name)?.displayName} fallback={<span class="username">@{name}</span>}>
                {(shown) => (
                  <>
                    {shown()} <span class="username">@{name}</span>
                  </>
                )}
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
