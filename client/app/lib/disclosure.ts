/**
 * A button that shows and hides what follows it (the WAI-ARIA disclosure
 * pattern): the header's account menu and its search field on phones. Esc
 * inside closes it and gives the button the focus back; a press outside, or
 * the focus leaving by Tab, closes it without taking the focus anywhere.
 */
import { createSignal, onCleanup } from "solid-js";

export interface Disclosure {
  open: () => boolean;
  show: () => void;
  toggle: () => void;
  /** Closes it; `refocus` gives the focus back to the button (when the focus was inside). */
  close: (refocus?: boolean) => void;
  /**
   * The element that holds the button and what it shows (for a press outside,
   * the focus leaving, Esc). `esc: false` when the component has an Esc of its
   * own to handle first: it then calls onKeyDown itself.
   */
  setRoot: (el: HTMLElement, options?: { esc?: boolean }) => void;
  /** Esc closes it and gives the button the focus back. */
  onKeyDown: (e: KeyboardEvent) => void;
  setButton: (el: HTMLElement) => void;
}

export function createDisclosure(): Disclosure {
  const [open, setOpen] = createSignal(false);
  let root: HTMLElement | undefined;
  let button: HTMLElement | undefined;

  function close(refocus = false) {
    if (!open()) return;
    setOpen(false);
    if (refocus) button?.focus();
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || !open()) return;
    // Its own Esc: the page's (the rooms drawer's, a message's) is not disturbed.
    e.preventDefault();
    e.stopPropagation();
    close(true);
  };
  const outside = (target: EventTarget | null) => !(target instanceof Node && root?.contains(target));
  const onPointerDown = (e: PointerEvent) => outside(e.target) && close();
  const onFocusOut = (e: FocusEvent) => e.relatedTarget !== null && outside(e.relatedTarget) && close();

  document.addEventListener("pointerdown", onPointerDown);
  onCleanup(() => {
    document.removeEventListener("pointerdown", onPointerDown);
    root?.removeEventListener("keydown", onKeyDown);
    root?.removeEventListener("focusout", onFocusOut);
  });

  return {
    open,
    show: () => setOpen(true),
    toggle: () => (open() ? close() : setOpen(true)),
    close,
    onKeyDown,
    setRoot(el, options) {
      root = el;
      el.addEventListener("focusout", onFocusOut);
      if (options?.esc !== false) el.addEventListener("keydown", onKeyDown);
    },
    setButton(el) {
      button = el;
    },
  };
}
