import { A } from "@solidjs/router";
import { createEffect } from "solid-js";
import { Rich } from "../components/rich.tsx";
import { useT } from "../lib/locale.ts";

export function NotFoundPage() {
  const t = useT();
  createEffect(() => (document.title = t("common.pageTitle", { page: t("notFound.title") })));
  return (
    <section class="page narrow">
      <h1>{t("notFound.heading")}</h1>
      <p>
        <Rich text={t("notFound.body")} slots={{ home: (words) => <A href="/">{words}</A> }} />
      </p>
    </section>
  );
}
