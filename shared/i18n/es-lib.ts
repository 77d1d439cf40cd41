/** The words of en-lib.ts in Spanish (neutral, addressing the reader as «tú»). */
import type { Catalog } from "./en.ts";
import { plural, template } from "./plural.ts";

type Count = { count: number };
type When = { when: string };
type Lib = Pick<
  Catalog,
  "roomName" | "passwordForm" | "sessions" | "conversation" | "badges" | "presence" | "memberActions" | "announce"
>;

export const esLib: Lib = {
  roomName: {
    empty: "El nombre de la sala no puede estar vacío.",
    tooLong: template<Count>("El nombre de la sala tiene como máximo {{ count }} caracteres."),
    characters: "El nombre de la sala solo puede contener letras, dígitos, '-', '_' y '.'.",
    dots: "El nombre de la sala no puede contener '..'.",
    dotAlone: "El nombre de la sala no puede ser solo '.'.",
    invalid: "Este no es un nombre de sala válido.",
  },
  passwordForm: {
    enterCurrent: "Escribe tu contraseña actual.",
    currentTooLong: template<Count>("La contraseña tiene como máximo {{ count }} caracteres."),
    newTooShort: template<Count>("Nueva contraseña: debe tener al menos {{ count }} caracteres."),
    newTooLong: template<Count>("Nueva contraseña: debe tener como máximo {{ count }} caracteres."),
    check: "Revisa las contraseñas.",
    changedNone: "Contraseña cambiada. No se cerró ninguna otra sesión; este navegador sigue con la sesión iniciada.",
    changed: plural<Count>("es", {
      one: "Contraseña cambiada. Se cerró {{ count }} otra sesión; este navegador sigue con la sesión iniciada.",
      other:
        "Contraseña cambiada. Se cerraron {{ count }} otras sesiones; este navegador sigue con la sesión iniciada.",
    }),
  },
  sessions: {
    thisBrowser: "Este navegador",
    otherDevice: "Otro dispositivo o navegador",
    from: template<{ address: string }>("Desde {{ address }}"),
    activeNow: "Activa ahora",
    activeMinutes: plural<Count>("es", {
      one: "Activa hace {{ count }} minuto",
      other: "Activa hace {{ count }} minutos",
    }),
    activeHours: plural<Count>("es", {
      one: "Activa hace {{ count }} hora",
      other: "Activa hace {{ count }} horas",
    }),
    lastActive: template<When>("Última actividad: {{ when }}"),
    notDated: "Sin uso desde que las sesiones llevan fecha",
    signedIn: template<When>("Sesión iniciada el {{ when }}"),
    signedInUndated: "Sesión iniciada antes de que las sesiones llevaran fecha",
    expires: template<When>("Caduca el {{ when }} si no se usa"),
    browserOnSystem: template<{ browser: string; system: string }>("{{ browser }} en {{ system }}"),
    aBrowserOn: template<{ system: string }>("Un navegador en {{ system }}"),
    unknownBrowser: "Navegador desconocido",
  },
  conversation: {
    empty: "Escribe el nombre de usuario de la persona a quien quieres escribir.",
    self: "Ese eres tú: escribe el nombre de usuario de otra persona.",
    nobody: template<{ username: string }>("Nadie se llama «{{ username }}». Revisa el nombre de usuario."),
    signIn: "Inicia sesión para enviar mensajes directos.",
    usernameTooShort: template<Count>("El nombre de usuario tiene al menos {{ count }} caracteres."),
    usernameTooLong: template<Count>("El nombre de usuario tiene como máximo {{ count }} caracteres."),
    usernameCharacters: "El nombre de usuario solo puede contener letras, dígitos, '_' y '-'.",
  },
  badges: {
    unread: template<Count>("{{ count }} sin leer"),
    unreadMentions: plural<Count & { unread: number }>("es", {
      one: "{{ unread }} sin leer, {{ count }} mención",
      other: "{{ unread }} sin leer, {{ count }} menciones",
    }),
  },
  presence: {
    guests: plural<Count>("es", { one: "{{ count }} invitado", other: "{{ count }} invitados" }),
    typingOne: template<{ name: string }>("{{ name }} está escribiendo…"),
    typingTwo: template<{ first: string; second: string }>("{{ first }} y {{ second }} están escribiendo…"),
    typingMany: "varias personas están escribiendo…",
    joined: plural<Count & { names: string }>("es", { one: "{{ names }} entró", other: "{{ names }} entraron" }),
    left: plural<Count & { names: string }>("es", { one: "{{ names }} salió", other: "{{ names }} salieron" }),
    joinedAndLeft: template<{ joined: string; left: string }>("Entró: {{ joined }}; salió: {{ left }}"),
    namesAnd: template<{ names: string; last: string }>("{{ names }} y {{ last }}"),
    namesAndOthers: plural<Count & { names: string }>("es", {
      one: "{{ names }} y {{ count }} más",
      other: "{{ names }} y {{ count }} más",
    }),
    you: "tú",
  },
  memberActions: {
    message: template<{ user: string }>("Escribir a {{ user }}"),
    makeModerator: "Hacer moderador",
    makeMember: "Hacer miembro",
    kick: "Quitar de la sala",
    ban: "Vetar en la sala",
  },
  announce: {
    message: template<{ sender: string; text: string }>("{{ sender }}: {{ text }}"),
  },
};
