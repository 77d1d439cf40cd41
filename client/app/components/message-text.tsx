import { For } from "solid-js";
import { linkify } from "../lib/linkify.ts";

/**
 * A message's text: web addresses as links that open in a new tab and pass
 * neither the page nor credit to the target; everything else as text nodes,
 * so markup in a message is shown, never interpreted.
 */
export function MessageText(props: { text: string }) {
  return (
    <For each={linkify(props.text)}>
      {(segment) =>
        segment.kind === "link" ? (
          <a href={segment.href} target="_blank" rel="noopener noreferrer nofollow">
            {segment.text}
          </a>
        ) : (
          segment.text
        )
      }
    </For>
  );
}
