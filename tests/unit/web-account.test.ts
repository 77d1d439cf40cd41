/** The account page's logic: what the password form says before sending, and how sessions read. */
import { describe, expect, test } from "bun:test";
import { describeSession, passwordChangedNotice, passwordFormProblem } from "../../client/app/lib/account.ts";
import { english } from "../../shared/i18n/index.ts";

describe("passwordFormProblem", () => {
  const form = (currentPassword: string, newPassword: string, repeatPassword = newPassword) => ({
    currentPassword,
    newPassword,
    repeatPassword,
  });
  test.each([
    ["a complete form", form("old password", "new password"), null],
    ["no current password", form("", "new password"), "Enter your current password."],
    ["a short new password", form("old password", "short"), "New password: A password has at least 8 characters."],
    [
      "a new password over 256 characters",
      form("old password", "x".repeat(257)),
      "New password: A password has at most 256 characters.",
    ],
    ["repeated differently", form("old password", "new password", "new passw0rd"), "The new passwords differ."],
  ])("%s", (_what, input, expected) => {
    expect(passwordFormProblem(english, input)).toBe(expected);
  });
});

describe("passwordChangedNotice", () => {
  test.each([
    [0, "Password changed. No other session was signed out; this browser stays signed in."],
    [1, "Password changed. 1 other session was signed out; this browser stays signed in."],
    [3, "Password changed. 3 other sessions were signed out; this browser stays signed in."],
  ])("%p ended → %p", (n, expected) => {
    expect(passwordChangedNotice(english, n)).toBe(expected);
  });
});

describe("describeSession", () => {
  const at = "2026-12-01T10:00:00.000Z";
  test("the current session reads 'This browser', another 'Another device or browser'; an undated one says so", () => {
    expect(
      describeSession(
        english,
        {
          id: "a",
          current: true,
          createdAt: at,
          expiresAt: at,
          lastActiveAt: at,
          browser: null,
          system: null,
          address: null,
        },
        "en-GB",
      ).label,
    ).toBe("This browser");
    const other = describeSession(
      english,
      {
        id: "b",
        current: false,
        createdAt: null,
        expiresAt: at,
        lastActiveAt: null,
        browser: null,
        system: null,
        address: null,
      },
      "en-GB",
    );
    expect(other.label).toBe("Another device or browser");
    expect(other.since).toBe("Signed in before sessions were dated");
    expect(other.expires).toStartWith("Expires ");
  });
});
