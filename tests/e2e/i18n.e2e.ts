/**
 * Parlor in Spanish and English in a real browser: a browser set to Spanish
 * gets `<html lang="es">` and the sign-in flow, the not-found page, the
 * header, the index and a room's header in Spanish (errors included), every
 * page without an axe violation in either language; a language chosen in the account page applies at once, survives a
 * reload and follows the user to another browser.
 */
import { expect, test } from "@playwright/test";
import { hoverActions, PASSWORD, signUp, uniqueName } from "./support/app.ts";
import { axeViolations as violations } from "./support/axe.ts";

test.describe("a browser set to Spanish", () => {
  test.use({ locale: "es-ES" });

  test("signs up and in in Spanish, with the API's refusals in Spanish", async ({ page }) => {
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    await expect(page.getByRole("heading", { name: "Iniciar sesión" })).toBeVisible();
    await expect(page).toHaveTitle("Iniciar sesión · Parlor");
    expect(await violations(page)).toEqual([]);

    await page.getByRole("button", { name: "Crea una cuenta" }).click();
    await expect(page.getByRole("heading", { name: "Crear una cuenta" })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.getByLabel("Nombre de usuario").fill("ab");
    await page.getByLabel("Contraseña").fill(PASSWORD);
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await expect(page.getByRole("alert")).toHaveText("Nombre de usuario: al menos 3 caracteres.");

    const username = uniqueName("es");
    await page.getByLabel("Nombre de usuario").fill(username);
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await expect(page).toHaveURL("/");

    // Signed out, a wrong password is told in Spanish (from the error's reason, not its English message).
    const other = await page.context().browser()!.newContext({ locale: "es-ES" });
    const second = await other.newPage();
    await second.goto("/login");
    await second.getByLabel("Nombre de usuario").fill(username);
    await second.getByLabel("Contraseña").fill("not the password");
    await second.getByRole("button", { name: "Iniciar sesión" }).click();
    await expect(second.getByRole("alert")).toHaveText("El nombre de usuario o la contraseña no son correctos.");
    await other.close();
  });

  test("the room page's composer and a message's actions are Spanish", async ({ page }) => {
    const username = uniqueName("es");
    await page.goto("/login?mode=signup&next=/");
    await page.getByLabel("Nombre de usuario").fill(username);
    await page.getByLabel("Contraseña").fill(PASSWORD);
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await expect(page).toHaveURL("/");

    const room = uniqueName("sala");
    await page.goto(`/room/${room}/`);
    await expect(page.locator("#messageInput")).toHaveAttribute("placeholder", `Mensaje para #${room}`);
    await expect(page.locator("#sendBtn")).toHaveText("Enviar");
    await page.locator("#messageInput").fill("hola");
    await page.locator("#messageInput").press("Enter");
    const message = page.locator("#messages .message").filter({ hasText: "hola" }).last();
    await expect(message).toBeVisible();
    const actions = await hoverActions(message, "Acciones del mensaje");
    await expect(actions.getByRole("button", { name: "Responder" })).toBeVisible();
    await actions.getByRole("button", { name: "Eliminar" }).click();
    await expect(message.getByText("¿Eliminar este mensaje para todos?")).toBeVisible();
  });

  test("the not-found page is Spanish, served with status 404", async ({ page }) => {
    const response = await page.goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    await expect(page.getByRole("heading", { name: "Página no encontrada" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Elige una sala" })).toHaveAttribute("href", "/");
    expect(await violations(page)).toEqual([]);
  });

  test("the header, the index and a room's header are Spanish, without an axe violation", async ({ page }) => {
    const username = uniqueName("es");
    await page.goto("/login?mode=signup");
    await page.getByLabel("Nombre de usuario").fill(username);
    await page.getByLabel("Contraseña").fill(PASSWORD);
    await page.getByRole("button", { name: "Crear cuenta" }).click();
    await expect(page).toHaveURL("/");
    await expect(page.locator("html")).toHaveAttribute("lang", "es");

    // The header, then the index.
    const account = page.getByRole("navigation", { name: "Cuenta" });
    await expect(account).toContainText(`Sesión iniciada como ${username}`);
    await expect(account.getByRole("button", { name: "Cerrar sesión" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "¿A qué sala quieres entrar?" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Salas con actividad reciente" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Tus salas" })).toBeVisible();
    expect(await violations(page)).toEqual([]);

    // A room made from the index: its header counts its members in Spanish; who is here, too.
    const room = uniqueName("sala");
    await page.getByRole("heading", { name: "Nueva sala" }).waitFor();
    await page.getByLabel("Nombre", { exact: true }).fill(room);
    await page.getByRole("button", { name: "Crear sala" }).click();
    await expect(page).toHaveURL(`/room/${room}/`);
    await expect(page.getByRole("heading", { name: `#${room}` })).toBeVisible();
    await expect(page.getByRole("button", { name: "Miembros (1)" })).toBeVisible();
    await expect(page.getByRole("heading", { name: /^Presentes/ })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    expect(await violations(page)).toEqual([]);
  });
});

test.describe("a browser set to English", () => {
  test.use({ locale: "en-US" });

  test("the login and not-found pages are English, without an axe violation", async ({ page }) => {
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.goto("/no-such-page");
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    expect(await violations(page)).toEqual([]);
  });

  test("choosing Spanish in the account page applies at once, survives a reload and follows the user", async ({
    page,
    browser,
  }) => {
    const username = uniqueName("lang");
    await signUp(page, username);
    await page.goto("/account");
    await page.getByLabel("Language of Parlor").selectOption("es");
    // At once, without a reload.
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    await expect(page.getByLabel("Idioma de Parlor")).toHaveValue("es");
    // What the page had already written is worded again too: the session list, the tab's title.
    await expect(page.locator(".session-list")).toContainText("Este navegador");
    await expect(page).toHaveTitle(/Cuenta/);
    // Said once the server has it: leaving before then might not keep it on the account.
    await expect(page.getByRole("region", { name: "Idioma" }).getByRole("status")).toHaveText("Guardado en tu cuenta.");
    expect(await violations(page)).toEqual([]);

    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("lang", "es");
    await expect(page.getByLabel("Idioma de Parlor")).toHaveValue("es");

    // Another browser, set to English: signing in brings the user's language.
    const laptop = await browser.newContext({ locale: "en-US" });
    const other = await laptop.newPage();
    await other.goto("/login");
    await expect(other.locator("html")).toHaveAttribute("lang", "en");
    await other.getByLabel("Username").fill(username);
    await other.getByLabel("Password").fill(PASSWORD);
    await other.getByRole("button", { name: "Sign in" }).click();
    await expect(other.locator("html")).toHaveAttribute("lang", "es");
    await laptop.close();

    // Back to the browser's language.
    await page.getByLabel("Idioma de Parlor").selectOption("");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByLabel("Language of Parlor")).toHaveValue("");
  });
});
