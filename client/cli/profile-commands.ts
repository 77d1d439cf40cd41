/**
 * `profile`: how people see you (or someone else): display name and picture.
 * `--avatar <path>` uploads an image and wears it; `--avatar none` and
 * `--name ""` take them off.
 */
import type { Command, CommandInput } from "./command.ts";
import { uploadFiles } from "./file-commands.ts";
import { printable } from "./format.ts";
import { UsageError } from "./usage.ts";

async function profile({ client, args, opts, serverUrl, t }: CommandInput) {
  const change: { displayName?: string | null; avatar?: string | null } = {};
  if (opts.name !== undefined) change.displayName = opts.name.trim() === "" ? null : opts.name;
  if (opts.avatar !== undefined)
    change.avatar = opts.avatar === "none" ? null : (await uploadFiles(client, [opts.avatar], t))[0]!;
  if (args[0] !== undefined && Object.keys(change).length > 0) throw new UsageError((t) => t("cli.profileOwnOnly"));
  const shown =
    Object.keys(change).length > 0
      ? await client.me.updateProfile.mutate(change)
      : await client.user.profile.query({ username: args[0] ?? (await whoAmI(client)) });
  console.log(
    [
      printable(shown.username),
      t("cli.profileName", { name: shown.displayName === null ? t("cli.none") : printable(shown.displayName) }),
      t("cli.profileAvatar", {
        url: shown.avatarUrl === null ? t("cli.none") : printable(new URL(shown.avatarUrl, serverUrl).href),
      }),
    ].join("\n"),
  );
}

async function whoAmI(client: CommandInput["client"]): Promise<string> {
  const me = await client.auth.me.query();
  if (!me) throw new UsageError((t) => t("cli.whoseProfile"));
  return me.username;
}

export const profileCommands = { profile } satisfies Record<string, Command>;
