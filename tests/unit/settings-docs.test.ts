import { describe, expect, test } from "bun:test";
import {
  OPERATIONS_DOC,
  renderEnvExample,
  renderSettingsTable,
  withSettingsTable,
} from "../../scripts/settings-docs.ts";
import { SettingsSchema } from "../../server/settings.ts";

describe("settings documentation, generated from the schema", () => {
  test("every variable in the schema has a group and a sentence an operator reads", () => {
    for (const [name, schema] of Object.entries(SettingsSchema.shape)) {
      const meta = schema.meta() as { group?: string; doc?: string } | undefined;
      expect({ name, group: typeof meta?.group, doc: (meta?.doc ?? "").length > 10 }).toEqual({
        name,
        group: "string",
        doc: true,
      });
    }
  });

  test(".env.example is what the schema renders (run `bun run settings:docs` after changing server/settings.ts)", async () => {
    expect(await Bun.file(".env.example").text()).toBe(renderEnvExample());
  });

  test("the settings table of docs/operations.md is what the schema renders", async () => {
    const doc = await Bun.file(OPERATIONS_DOC).text();
    expect(doc).toBe(withSettingsTable(doc, renderSettingsTable()));
  });

  test("each variable appears in both copies", () => {
    const env = renderEnvExample();
    const table = renderSettingsTable();
    for (const name of Object.keys(SettingsSchema.shape)) {
      expect(env).toContain(`# ${name}=`);
      expect(table).toContain(`| \`${name}\` |`);
    }
  });
});
