/**
 * Reads passwords: from an environment variable, from a terminal without echo,
 * or line by line from piped input (one reader, so several passwords can be
 * piped in order: `printf 'old\nnew\n' | bun run chat -- passwd`). Bun and Node.js alike.
 */
import { stdinLines } from "./stdin.ts";

export interface PasswordReader {
  /** The value of `envVar` when set, else the next password typed (or piped). */
  read(prompt: string, envVar: string): Promise<string>;
}

export function createPasswordReader(env: Record<string, string | undefined> = process.env): PasswordReader {
  let lines: AsyncIterator<string> | undefined;
  return {
    async read(prompt, envVar) {
      const fromEnv = env[envVar];
      if (fromEnv) return fromEnv;
      if (!process.stdin.isTTY) {
        lines ??= stdinLines();
        const next = await lines.next();
        return next.done ? "" : next.value;
      }
      return readFromTerminal(prompt);
    },
  };
}

/** One line typed without echo; backspace works, Ctrl-C quits. */
function readFromTerminal(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let password = "";
  return new Promise((resolve) => {
    const done = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
      resolve(password);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") process.exit(130); // Ctrl-C
        if (ch === "\u007f" || ch === "\b") password = password.slice(0, -1);
        else password += ch;
      }
    };
    stdin.on("data", onData);
  });
}
