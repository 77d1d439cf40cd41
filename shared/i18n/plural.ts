/**
 * The two kinds of catalog entry that take arguments: a template with
 * `{{ name }}` slots, and a plural chosen by `Intl.PluralRules` for the
 * catalog's language (Spanish and English have "one" and "other"; Spanish
 * also "many" for round millions, which falls back to "other" when absent).
 */
import { template } from "@solid-primitives/i18n";

export { template };

/** What a template's slots may hold. */
export type TemplateArgs = Record<string, string | number | boolean>;

/**
 * `{{ name }}` replaced by `args.name`, as given. Unlike the library's
 * `resolveTemplate`, a value is never read as a replacement pattern, so a room
 * called `$&` stays `$&`; a slot without a value stays as written.
 */
export function fillTemplate(text: string, args?: TemplateArgs): string {
  if (!args) return text;
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (slot, key: string) =>
    Object.hasOwn(args, key) ? String(args[key]) : slot,
  );
}

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/**
 * A catalog entry that agrees with a number: `{{ count }}` is the number written
 * for `language` (1,000 / 1.000), the other slots as given.
 *
 * @example plural<{ count: number }>("en", { one: "{{ count }} mention", other: "{{ count }} mentions" })({ count: 2 }) // "2 mentions"
 */
export function plural<A extends { count: number } & TemplateArgs>(
  language: string,
  forms: PluralForms,
): (args: A) => string {
  const rules = new Intl.PluralRules(language);
  const numbers = new Intl.NumberFormat(language);
  return (args) =>
    fillTemplate(forms[rules.select(args.count)] ?? forms.other, { ...args, count: numbers.format(args.count) });
}
