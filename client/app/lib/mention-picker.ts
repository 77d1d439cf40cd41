/**
 * The `@` list of the composer as Solid state: open while the caret ends a
 * partial mention that some name fits, ↑/↓ move through it, Enter or Tab
 * picks, Esc closes (until the next keystroke). The names are the room's
 * members and the people present (matched by username or display name). The
 * composer owns its text; a pick hands
 * back the new text and caret.
 */
import { createMemo, createSignal } from "solid-js";
import { type MentionQuery, matchingNames, mentionQueryAt, pickMention } from "./mention-complete.ts";

export interface MentionPickerOptions {
  names: () => Iterable<string>;
  /** A username's display name, if they set one: `@` matches it too. */
  displayName?: (username: string) => string | null;
  self: () => string | null | undefined;
  /** Puts the picked text in the composer, with the caret at `caret`. */
  apply: (text: string, caret: number) => void;
}

export function createMentionPicker(opts: MentionPickerOptions) {
  const [query, setQuery] = createSignal<MentionQuery | null>(null);
  const [text, setText] = createSignal("");
  const [active, setActive] = createSignal(0);

  const options = createMemo(() => {
    const q = query();
    return q ? matchingNames(opts.names(), q.query, { self: opts.self(), displayName: opts.displayName }) : [];
  });
  const open = () => options().length > 0;

  function close() {
    setQuery(null);
    setActive(0);
  }

  function pick(name: string) {
    const q = query();
    if (!q) return;
    const picked = pickMention(text(), q, name);
    close();
    opts.apply(picked.text, picked.caret);
  }

  return {
    open,
    options,
    active,
    setActive,
    /** Call on each input and caret move, with the text and caret. */
    update(value: string, caret: number) {
      setText(value);
      const next = mentionQueryAt(value, caret);
      const before = query();
      setQuery(next);
      if (next?.start !== before?.start || next?.query !== before?.query) setActive(0);
    },
    close,
    pick,
    /** Handles a key while the list is open; true when it did (the composer then does nothing else with it). */
    keyDown(event: KeyboardEvent): boolean {
      if (!open() || event.isComposing) return false;
      const count = options().length;
      switch (event.key) {
        case "ArrowDown":
          setActive((i) => (i + 1) % count);
          return true;
        case "ArrowUp":
          setActive((i) => (i - 1 + count) % count);
          return true;
        case "Enter":
        case "Tab":
          if (event.shiftKey) return false;
          pick(options()[active()]!);
          return true;
        case "Escape":
          close();
          return true;
        default:
          return false;
      }
    },
  };
}

export type MentionPicker = ReturnType<typeof createMentionPicker>;
