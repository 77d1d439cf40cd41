import { createSignal, For, type JSX } from "solid-js";
import { type Block, type Inline, parseMarkdown } from "../../../shared/markdown.ts";
import { useT } from "../lib/locale.ts";

/**
 * A message's text rendered from its Markdown tree (shared/markdown.ts) as DOM
 * nodes built here, one element kind per node kind: no HTML string is ever
 * assigned, so markup in a message is shown as text, and links are http(s) or
 * mailto only, opening in a new tab that gets neither the page nor credit.
 */
export function MessageText(props: { text: string }) {
  return <For each={parseMarkdown(props.text)}>{(block) => <BlockNode block={block} />}</For>;
}

function BlockNode(props: { block: Block }): JSX.Element {
  const b = props.block;
  switch (b.type) {
    case "paragraph":
      return (
        <p class="md-p">
          <Inlines nodes={b.children} />
        </p>
      );
    case "code_block":
      return <CodeBlock lang={b.lang} text={b.text} />;
    case "quote":
      return (
        <blockquote class="md-quote">
          <For each={b.children}>{(child) => <BlockNode block={child} />}</For>
        </blockquote>
      );
    case "list": {
      const items = (
        <For each={b.items}>
          {(item) => (
            <li>
              <For each={item}>{(child) => <BlockNode block={child} />}</For>
            </li>
          )}
        </For>
      );
      return b.ordered ? (
        <ol class="md-list" start={b.start}>
          {items}
        </ol>
      ) : (
        <ul class="md-list">{items}</ul>
      );
    }
    case "rule":
      return <hr class="md-rule" />;
  }
}

function Inlines(props: { nodes: Inline[] }) {
  return <For each={props.nodes}>{(node) => <InlineNode node={node} />}</For>;
}

function InlineNode(props: { node: Inline }): JSX.Element {
  const n = props.node;
  switch (n.type) {
    case "text":
      return n.text;
    case "strong":
      return (
        <strong>
          <Inlines nodes={n.children} />
        </strong>
      );
    case "em":
      return (
        <em>
          <Inlines nodes={n.children} />
        </em>
      );
    case "strike":
      return (
        <del>
          <Inlines nodes={n.children} />
        </del>
      );
    case "code":
      return <code class="md-code">{n.text}</code>;
    case "link":
      return (
        <a href={n.href} target="_blank" rel="noopener noreferrer nofollow">
          <Inlines nodes={n.children} />
        </a>
      );
    case "mention":
      return <span class="mention">@{n.name}</span>;
    case "emoji":
      return (
        <span class="emoji" role="img" aria-label={`:${n.shortcode}:`} title={`:${n.shortcode}:`}>
          {n.emoji}
        </span>
      );
    case "break":
      // The newline as typed, shown by the text's `white-space: pre-line` (copying and textContent keep it).
      return "\n";
  }
}

/** A fenced block: its language, a copy button, the code in monospace that scrolls sideways (and takes focus to scroll by keyboard). */
function CodeBlock(props: { lang: string | null; text: string }) {
  const t = useT();
  const [status, setStatus] = createSignal("");
  async function copy() {
    try {
      await navigator.clipboard.writeText(props.text);
      setStatus(t("timeline.copied"));
    } catch {
      setStatus(t("timeline.copyFailed"));
    }
    setTimeout(() => setStatus(""), 2000);
  }
  const name = () => (props.lang ? t("timeline.codeIn", { lang: props.lang }) : t("timeline.code"));
  return (
    <div class="code-block">
      <div class="code-head">
        <span class="code-lang">{props.lang ?? t("timeline.code")}</span>
        <span class="copy-status" role="status">
          {status()}
        </span>
        <button type="button" class="small-button secondary copy-code" onClick={copy}>
          {t("timeline.copy")} <span class="visually-hidden">{name()}</span>
        </button>
      </div>
      <pre tabindex="0" role="group" aria-label={name()}>
        <code>{props.text}</code>
      </pre>
    </div>
  );
}
