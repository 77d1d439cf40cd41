/** Reads a password: from PARLOR_PASSWORD, from a terminal without echo, or the first line of piped input. */
export async function readPassword(prompt: string, env: Record<string, string | undefined> = process.env): Promise<string> {
  if (env.PARLOR_PASSWORD) return env.PARLOR_PASSWORD;
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    for await (const line of console) return line;
    return "";
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let password = "";
  try {
    for await (const chunk of stdin) {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") return password;
        if (ch === "\u0003") process.exit(130); // Ctrl-C
        if (ch === "\u007f" || ch === "\b") password = password.slice(0, -1);
        else password += ch;
      }
    }
    return password;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write("\n");
  }
}
