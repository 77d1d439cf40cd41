/**
 * Keyboard movement in the emoji picker's grid, as a pure function the
 * component calls: ←/→ one step, ↑/↓ one row. The focus stays in the search
 * box (the grid is its listbox, as in a combobox), so typing goes on while the
 * arrows choose; Home and End stay the box's own.
 */
export const EMOJI_COLUMNS = 8;

/** The index `key` moves `active` to among `count` choices, or null when the key is not the grid's. */
export function moveInGrid(active: number, key: string, count: number, columns = EMOJI_COLUMNS): number | null {
  if (count === 0) return null;
  const clamp = (i: number) => Math.min(count - 1, Math.max(0, i));
  switch (key) {
    case "ArrowRight":
      return clamp(active + 1);
    case "ArrowLeft":
      return clamp(active - 1);
    case "ArrowDown":
      return active + columns < count ? active + columns : active;
    case "ArrowUp":
      return active - columns >= 0 ? active - columns : active;
    default:
      return null;
  }
}
