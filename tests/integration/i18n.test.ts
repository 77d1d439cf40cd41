/**
 * Parlor in the reader's language, end to end against a real server: the API's
 * refusals worded by errorText from their code, reason and fields (the English
 * message stays for scripts); a user's language kept on the server; index.html
 * served in the request's language; the CLI speaking LANG.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createParlorClient } from "@parlor/client";
import { TRPCClientError } from "@trpc/client";
import { readUploadAnswer, UploadError, uploadErrorText } from "../../client/app/lib/upload-transport.ts";
import type { AppRouter } from "../../server/trpc/router.ts";
import { errorText } from "../../shared/i18n/error-text.ts";
import { createTranslator } from "../../shared/i18n/index.ts";
import { startTestServer, type TestServer } from "../support/server.ts";

const es = createTranslator(() => "es");
const en = createTranslator(() => "en");
const CLI = join(import.meta.dir, "../../client/cli/main.ts");
let server: TestServer;
let appDir: string;
let configHome: string;

beforeAll(async () => {
  appDir = mkdtempSync(join(tmpdir(), "parlor-i18n-app-"));
  configHome = mkdtempSync(join(tmpdir(), "parlor-i18n-cli-"));
  writeFileSync(
    join(appDir, "index.html"),
    '<!doctype html>\n<html lang="en"><title>Parlor</title><noscript>Parlor needs JavaScript to chat.</noscript></html>',
  );
  server = await startTestServer({ LOGIN_BURST_PER_IP: "100" }, { clientDir: appDir });
});
afterAll(async () => {
  await server.stop();
  rmSync(appDir, { recursive: true, force: true });
  rmSync(configHome, { recursive: true, force: true });
});

/** What a call threw (it must throw). */
async function refusal(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCClientError)) throw new Error(`expected a TRPCClientError, got ${String(error)}`);
  return error;
}

describe("errorText: the API's refusals in the reader's language", () => {
  test("wrong credentials: the English message stays for scripts, the reader gets their language", async () => {
    const ann = await server.signUp();
    const error = await refusal(
      server.guest().client.auth.login.mutate({ username: ann.username, password: "not the password" }),
    );
    expect(error.message).toBe("Wrong username or password.");
    expect(errorText(error, es)).toBe("El nombre de usuario o la contraseña no son correctos.");
    expect(errorText(error, en)).toBe("Wrong username or password.");
  });

  test("a room that does not exist is named in the sentence", async () => {
    const error = await refusal(server.guest().client.room.info.query({ room: "nowhere-at-all" }));
    expect(errorText(error, es)).toBe("La sala «nowhere-at-all» no existe.");
  });

  test("a role the caller lacks: FORBIDDEN with its reason", async () => {
    const owner = await server.signUp();
    const other = await server.signUp();
    await owner.client.room.create.mutate({ room: "es-roles", visibility: "public" });
    await other.client.room.join.mutate({ room: "es-roles" });
    const error = await refusal(other.client.room.kick.mutate({ room: "es-roles", username: owner.username }));
    expect(error.data?.code).toBe("FORBIDDEN");
    expect(errorText(error, es)).toBe("Solo el propietario de la sala y los moderadores pueden hacer esto.");
  });

  test("bad input is said by field and bound", async () => {
    const error = await refusal(
      server.guest().client.auth.register.mutate({ username: "ab", password: "long enough" }),
    );
    expect(errorText(error, es)).toBe("Nombre de usuario: al menos 3 caracteres.");
    const chars = await refusal(
      server.guest().client.auth.register.mutate({ username: "a b c", password: "long enough" }),
    );
    expect(errorText(chars, es)).toBe("Nombre de usuario: solo letras, dígitos, «_» y «-».");
  });

  test("rate limited: how many seconds to wait, in words", async () => {
    const ann = await server.signUp();
    // The profile limiter: a burst of 5, then one a minute.
    let error: TRPCClientError<AppRouter> | null = null;
    for (let i = 0; i < 10 && !error; i++) {
      error = await ann.client.me.setLanguage.mutate({ language: i % 2 ? "es" : "en" }).then(
        () => null,
        (e: TRPCClientError<AppRouter>) => e,
      );
    }
    expect(error?.data?.code).toBe("TOO_MANY_REQUESTS");
    expect(errorText(error, es)).toMatch(/^Demasiados intentos: vuelve a intentarlo en \d+ segundos?\.$/);
  });

  test("refusals of rooms and files name their reason: no English reaches a Spanish reader", async () => {
    const ann = await server.signUp();
    const self = await refusal(ann.client.dm.open.mutate({ username: ann.username }));
    expect(errorText(self, es)).toBe("Una conversación directa necesita a otra persona.");
    await ann.client.room.create.mutate({ room: "es-owner-stays", visibility: "public" });
    const leaving = await refusal(ann.client.room.leave.mutate({ room: "es-owner-stays" }));
    expect(errorText(leaving, es)).toBe("El propietario de la sala no puede salir de ella.");
    const form = new FormData();
    form.append("file", new File([], "empty.txt"));
    const empty = await refusal(ann.client.attachment.upload.mutate(form));
    expect(errorText(empty, es)).toBe("El archivo está vacío.");
  });

  test("the page's upload transport words a refusal from its reason, in the reader's language", async () => {
    const ann = await server.signUp();
    const form = new FormData();
    form.append("file", new File([], "empty.txt"));
    const res = await fetch(`${server.url}/trpc/attachment.upload`, {
      method: "POST",
      body: form,
      headers: { authorization: `Bearer ${ann.token}` },
    });
    expect(res.status).toBe(400);
    let error: unknown;
    try {
      readUploadAnswer(res.status, await res.text());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UploadError);
    expect(uploadErrorText(error as UploadError, es)).toBe("El archivo está vacío.");
    expect(uploadErrorText(error as UploadError, en)).toBe("The file is empty.");
    // Refused without a named reason: worded from the kind, never from the server's English.
    let unnamed: unknown;
    try {
      readUploadAnswer(400, JSON.stringify({ error: { message: "Some English.", data: { code: "BAD_REQUEST" } } }));
    } catch (e) {
      unnamed = e;
    }
    expect(uploadErrorText(unnamed as UploadError, es)).toBe(es("files.refused"));
  });

  test("a refusal the API did not name: its own sentence to a reader of English, the code's words to others", () => {
    const message = "A message takes at most 20 different emoji.";
    const error = new TRPCClientError(message, {
      result: { error: { message, code: -32600, data: { code: "BAD_REQUEST" } } },
    });
    expect(errorText(error, en)).toBe(message);
    expect(errorText(error, es)).toBe(es("errors.badInput"));
  });

  test("no answer at all is a network problem", () => {
    expect(errorText(new TypeError("Failed to fetch"), es)).toBe(
      "No se puede conectar con el servidor. Revisa tu conexión y vuelve a intentarlo.",
    );
  });
});

describe("a user's language, kept on the server", () => {
  test("me.setLanguage is what auth.me (and a new sign-in on another device) returns; null clears it", async () => {
    const ann = await server.signUp();
    expect((await ann.client.auth.me.query())?.language).toBeNull();
    expect(await ann.client.me.setLanguage.mutate({ language: "es" })).toEqual({ language: "es" });
    expect((await ann.client.auth.me.query())?.language).toBe("es");
    const elsewhere = createParlorClient({ url: server.url });
    expect(
      (await elsewhere.auth.login.mutate({ username: ann.username, password: "correct horse battery" })).user.language,
    ).toBe("es");
    await ann.client.me.setLanguage.mutate({ language: null });
    expect((await ann.client.auth.me.query())?.language).toBeNull();
  });

  test("a language Parlor does not speak is BAD_REQUEST", async () => {
    const ann = await server.signUp();
    // @ts-expect-error: not one of the languages
    const error = await refusal(ann.client.me.setLanguage.mutate({ language: "fr" }));
    expect(error.data?.code).toBe("BAD_REQUEST");
  });
});

describe("index.html in the request's language", () => {
  test('Accept-Language: es gets <html lang="es"> and Spanish words; anything else English', async () => {
    const spanish = await fetch(`${server.url}/login`, { headers: { "accept-language": "es-ES,es;q=0.9,en;q=0.8" } });
    const html = await spanish.text();
    expect(html).toContain('<html lang="es">');
    expect(html).toContain("<noscript>Parlor necesita JavaScript para chatear.</noscript>");
    expect(spanish.headers.get("vary")).toContain("Accept-Language");
    expect(await (await fetch(`${server.url}/`, { headers: { "accept-language": "fr" } })).text()).toContain(
      '<html lang="en">',
    );
  });

  test("a page that does not exist is the app (its not-found page) with status 404; a missing file stays a plain 404", async () => {
    const page = await fetch(`${server.url}/no-such-page`, {
      headers: { accept: "text/html", "accept-language": "es" },
    });
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('<html lang="es">');
    const file = await fetch(`${server.url}/no-such-file.png`);
    expect(file.status).toBe(404);
    expect(await file.text()).toBe("Not found");
  });
});

describe("the CLI speaks LANG", () => {
  async function chat(args: string[], env: Record<string, string>) {
    const proc = Bun.spawn(["bun", CLI, ...args], {
      env: {
        ...process.env,
        PARLOR_URL: server.url,
        XDG_CONFIG_HOME: configHome,
        PARLOR_TOKEN: "",
        LC_ALL: "",
        LC_MESSAGES: "",
        ...env,
      },
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { stdout, stderr, code };
  }

  test("with LANG=es_ES.UTF-8: help, usage errors, results and the server's refusals in Spanish", async () => {
    const spanish = { LANG: "es_ES.UTF-8" };
    expect((await chat([], spanish)).stdout).toStartWith("Parlor, el chat desde la línea de órdenes.");
    const unknown = await chat(["frobnicate"], spanish);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toStartWith("La orden «frobnicate» no existe.");
    expect((await chat(["send"], spanish)).stderr).toStartWith("Falta la sala.");
    expect((await chat(["history", "x", "--limit", "many"], spanish)).stderr).toStartWith(
      "--limit lleva un número entero, no «many».",
    );
    expect((await chat(["whoami"], spanish)).stdout).toBe("No has iniciado sesión.\n");
    const reg = await chat(["register", "lucia_es"], { ...spanish, PARLOR_PASSWORD: "contraseña larga" });
    expect(reg.stdout).toBe(`Cuenta creada; sesión iniciada como lucia_es en ${server.url}.\n`);
    const missing = await chat(["info", "sala-que-no-existe"], spanish);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("La sala «sala-que-no-existe» no existe.\n");
    expect((await chat(["logout"], spanish)).stdout).toBe("Sesión cerrada.\n");
  });

  test("the file and profile commands speak it too: download, send --file, profile", async () => {
    const spanish = { LANG: "es_ES.UTF-8" };
    const noTarget = await chat(["download"], spanish);
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toStartWith("Falta el id o la URL del archivo.");
    expect(
      (await chat(["download", "https://elsewhere.example/files/abcdefghijklmnop/a.txt"], spanish)).stderr,
    ).toStartWith(
      `«https://elsewhere.example/files/abcdefghijklmnop/a.txt» está en https://elsewhere.example, no en ${new URL(server.url).origin}: añade --url https://elsewhere.example para traerlo de allí.`,
    );
    // A refusal that is not a usage error: said alone (no help), exit 1.
    const noFile = await chat(["download", "abcdefghijklmnop"], spanish);
    expect(noFile.code).toBe(1);
    expect(noFile.stderr).toBe(
      "No hay ningún archivo así: quizá necesites iniciar sesión (bun run chat -- login <usuario>).\n",
    );
    expect((await chat(["send", "lobby", "hola", "--file", "/nonexistent/x.txt"], spanish)).stderr).toStartWith(
      "No se puede leer «/nonexistent/x.txt»: no es un archivo.",
    );
    expect((await chat(["profile", "ann", "--name", "Ana"], spanish)).stderr).toStartWith(
      "--name y --avatar cambian tu propio perfil: no indiques un usuario.",
    );
    expect((await chat(["profile"], spanish)).stderr).toStartWith(
      "¿El perfil de quién? Indica un usuario, o inicia sesión para ver el tuyo.",
    );
  });

  test("LC_ALL wins over LANG, and English is the default", async () => {
    expect((await chat([], { LANG: "es_ES.UTF-8", LC_ALL: "C" })).stdout).toStartWith(
      "Parlor chat from the command line.",
    );
    expect((await chat(["frobnicate"], { LANG: "" })).stderr).toStartWith("Unknown command 'frobnicate'.");
    expect((await chat(["info", "nowhere-here"], { LANG: "en_US.UTF-8" })).stderr).toBe(
      "Room 'nowhere-here' does not exist.\n",
    );
  });
});
