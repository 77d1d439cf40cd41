import { A } from "@solidjs/router";

export function NotFoundPage() {
  return (
    <section class="page narrow">
      <h1>Page not found</h1>
      <p>
        <A href="/">Choose a room</A> instead.
      </p>
    </section>
  );
}
