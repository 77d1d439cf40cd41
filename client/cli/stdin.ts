/**
 * Standard input on Bun and Node.js alike (the installed CLI runs on both): all
 * of it as text, or line by line.
 */
import { createInterface } from "node:readline";

/** The whole of stdin, as UTF-8 text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Stdin's lines, without their line endings, read as they are asked for. */
export function stdinLines(): AsyncIterator<string> {
  return createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
}
