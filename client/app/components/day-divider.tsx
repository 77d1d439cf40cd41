/**
 * Where a new day starts in the list of messages. Plain text between the feed's articles
 * (a feed owns articles only: a separator role there is refused by ARIA and axe).
 */
export function DayDivider(props: { label: string; day: string }) {
  return (
    <div class="day-divider">
      <time datetime={props.day}>{props.label}</time>
    </div>
  );
}
