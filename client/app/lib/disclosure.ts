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
  /** The element that holds the button and what it shows (for a press outside, the focus leaving). */
  setRoot: (el: HTMLElement) => void;
  /** The root's keydown handler: Esc closes it and refocuses the button (a component may handle its own Esc first). */
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
    root?.removeEventListener("focusout", onFocusOut);
  });

  return {
    open,
    show: () => setOpen(true),
    toggle: () => (open() ? close() : setOpen(true)),
    close,
    onKeyDown,
    setRoot(el) {
      root = el;
      el.addEventListener("focusout", onFocusOut);
    },
    setButton(el) {
      button = el;
    },
  };
}
