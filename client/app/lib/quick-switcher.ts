/**
 * The quick switcher's choices (Ctrl+K / ⌘K): your rooms, your direct
 * conversations and people, filtered by what is typed — a leading `#` or `@`
 * only says which kind is meant, case does not count, names that begin with
 * the text come before names that merely contain it — and the neighbours of a
 * room in the sidebar's order, for Alt+↑ / Alt+↓. Pure: the dialog renders it.
 */

export type SwitcherItem =
  /** A room or a direct conversation of yours: `room` is its name, `label` how it is shown ("#plans", "ann"). */
  | { kind: "room"; room: string; label: string }
  /** Someone to talk to directly: opens (or starts) the conversation with them. */
  | { kind: "person"; username: string; label: string };

/** The key a choice is known by in the list (an option's id, a Solid key). */
export const switcherKey = (item: SwitcherItem) =>
  item.kind === "room" ? `room:${item.room}` : `person:${item.username}`;

/** What is compared: the label without its `#` / `@`, lower case. */
const bare = (text: string) => text.replace(/^[#@]/, "").toLowerCase();

/**
 * The choices that match `query`, best first, at most `limit`. An empty query
 * lists everything in the given order (your rooms as the sidebar shows them, then people).
 * `#…` looks for rooms only, `@…` for people and direct conversations only.
 */
export function filterSwitcher(items: readonly SwitcherItem[], query: string, limit = 20): SwitcherItem[] {
  const typed = query.trim();
  const wants = typed.startsWith("#") ? "room" : typed.startsWith("@") ? "person" : null;
  const text = bare(typed);
  const ranked: { item: SwitcherItem; rank: number; at: number }[] = [];
  items.forEach((item, at) => {
    const isRoom = item.kind === "room" && item.label.startsWith("#");
    if (wants === "room" && !isRoom) return;
    if (wants === "person" && isRoom) return;
    const names = item.kind === "person" ? [item.label, item.username] : [item.label, item.room];
    const ranks = names.map((name) => {
      const n = bare(name);
      return n.startsWith(text) ? 0 : n.includes(text) ? 1 : 2;
    });
    const rank = Math.min(...ranks);
    if (rank < 2) ranked.push({ item, rank, at });
  });
  ranked.sort((a, b) => a.rank - b.rank || a.at - b.at);
  return ranked.slice(0, limit).map((r) => r.item);
}

/**
 * Your rooms and direct conversations, then the people not already listed as a
 * direct conversation (nor yourself), each once.
 */
export function switcherItems(
  rooms: readonly { room: string; label: string }[],
  people: Iterable<{ username: string; label: string }>,
  self: string | null | undefined,
): SwitcherItem[] {
  const items: SwitcherItem[] = rooms.map((r) => ({ kind: "room", room: r.room, label: r.label }));
  const taken = new Set<string>(self ? [self] : []);
  for (const r of rooms) if (!r.label.startsWith("#")) taken.add(r.label);
  for (const person of people) {
    if (taken.has(person.username)) continue;
    taken.add(person.username);
    items.push({ kind: "person", username: person.username, label: person.label });
  }
  return items;
}

/** The room `step` places from `current` in `order` (Alt+↓: 1, Alt+↑: -1), wrapping around; the first or last when `current` is not listed. */
export function neighbourRoom(order: readonly string[], current: string | null, step: 1 | -1): string | null {
  if (order.length === 0) return null;
  const at = current === null ? -1 : order.indexOf(current);
  if (at === -1) return step === 1 ? order[0]! : order.at(-1)!;
  return order[(at + step + order.length) % order.length]!;
}
