import { For, type JSX } from "solid-js";
import { parseRich } from "../../../shared/i18n/rich.ts";

/**
 * A translated sentence with components in its slots: `<name/>` gets
 * `slots.name()`, `<link>words</link>` gets `slots.link("words")`. The words
 * stay text nodes: nothing in a catalog is ever parsed as HTML.
 *
 * @example <Rich text={t("notFound.body")} slots={{ home: (words) => <A href="/">{words}</A> }} />
 */
export function Rich(props: { text: string; slots: Record<string, (words: string) => JSX.Element> }) {
  return (
    <For each={parseRich(props.text)}>
      {(part) => (part.kind === "text" ? part.text : (props.slots[part.name]?.(part.text ?? "") ?? part.text ?? ""))}
    </For>
  );
}
