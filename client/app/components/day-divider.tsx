/** Where a new day starts in the list of messages. */
export function DayDivider(props: { label: string; day: string }) {
  return (
    <div class="day-divider" role="separator" aria-label={props.label}>
      <time datetime={props.day}>{props.label}</time>
    </div>
  );
}
