/** Every CLI command by the name typed after `bun run chat --`. */
import { accountCommands } from "./account-commands.ts";
import type { Command } from "./command.ts";
import { fileCommands } from "./file-commands.ts";
import { messageCommands } from "./message-commands.ts";
import { profileCommands } from "./profile-commands.ts";
import { roomCommands } from "./room-commands.ts";

export const commands: Record<string, Command> = {
  ...accountCommands,
  ...messageCommands,
  ...roomCommands,
  ...fileCommands,
  ...profileCommands,
};

export const commandNamed = (name: string): Command | undefined =>
  Object.hasOwn(commands, name) ? commands[name] : undefined;
