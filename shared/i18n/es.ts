/**
 * Parlor en español: neutral (válido en España y en Latinoamérica), de «tú».
 * Typed as `Catalog`: a key that en.ts has and this lacks, or one it does not
 * have, is a compile error (and tests/unit/i18n-catalogs.test.ts says which).
 */
import type { Catalog } from "./en.ts";
import { esApp } from "./es-app.ts";
import { esCli } from "./es-cli.ts";
import { esLib } from "./es-lib.ts";
import { esRoom } from "./es-room.ts";
import { plural, template } from "./plural.ts";

type Room = { room: string };
type User = { user: string };
type Count = { count: number };

export const es: Catalog = {
  common: {
    appName: "Parlor",
    loading: "Cargando…",
    skipToContent: "Saltar al contenido",
    pageTitle: template<{ page: string }>("{{ page }} · Parlor"),
    noscript: "Parlor necesita JavaScript para chatear.",
  },
  errors: {
    apiWordsReadable: "no",
    network: "No se puede conectar con el servidor. Revisa tu conexión y vuelve a intentarlo.",
    generic: "Algo salió mal. Vuelve a intentarlo.",
    internal: template<{ id: string }>("Algo salió mal en el servidor (error {{ id }}). Vuelve a intentarlo."),
    unavailable: "Parlor no puede guardar nada en este momento: vuelve a intentarlo en unos instantes.",
    unauthorized: "Inicia sesión para hacer esto.",
    forbidden: "No tienes permiso para hacer esto.",
    notFound: "No existe, o no puedes verlo.",
    conflict: "Eso ya existe.",
    badInput: "Revisa lo que escribiste.",
    tooLarge: "Es demasiado grande.",
    rateLimited: plural<Count>("es", {
      one: "Demasiados intentos: vuelve a intentarlo en {{ count }} segundo.",
      other: "Demasiados intentos: vuelve a intentarlo en {{ count }} segundos.",
    }),
    rateLimitedLater: "Demasiados intentos: vuelve a intentarlo más tarde.",
    roomNotFound: template<Room>("La sala «{{ room }}» no existe."),
    banned: template<Room>("Tienes prohibida la entrada a «{{ room }}»."),
    managersOnly: "Solo el propietario de la sala y los moderadores pueden hacer esto.",
    notOnOwner: "Nadie puede hacerle esto al propietario de la sala.",
    notOnModerator: "Los moderadores no pueden actuar sobre otros moderadores.",
    ownerOnlyRoles: "Solo el propietario de la sala puede cambiar los roles.",
    senderOnlyEdit: "Solo quien envió un mensaje puede editarlo.",
    senderOrModeratorDelete: "Solo quien envió un mensaje, el propietario de la sala o un moderador pueden eliminarlo.",
    wrongCredentials: "El nombre de usuario o la contraseña no son correctos.",
    wrongPassword: "Tu contraseña actual no es correcta.",
    usernameTaken: "Ese nombre de usuario ya está en uso.",
    notOnYourself: "No puedes hacerte esto a ti mismo.",
    ownerCannotLeave: "El propietario de la sala no puede salir de ella.",
    dmNeedsSomeoneElse: "Una conversación directa necesita a otra persona.",
    dmTwoOnly: "Una conversación directa es solo entre sus dos personas.",
    fileEmpty: "El archivo está vacío.",
    imageUnreadable: "Esta imagen no se puede leer: está dañada o no es lo que dice ser.",
    imageTooManyPixels: "Esta imagen tiene demasiados píxeles para procesarla.",
    uploadsAtOnce: plural<Count>("es", {
      one: "Como mucho {{ count }} subida a la vez: espera a que termine.",
      other: "Como mucho {{ count }} subidas a la vez: espera a que termine alguna.",
    }),
    uploadsPerDay: plural<Count>("es", {
      one: "Como mucho {{ count }} archivo al día: inténtalo de nuevo mañana.",
      other: "Como mucho {{ count }} archivos al día: inténtalo de nuevo mañana.",
    }),
    uploadBytesPerDay: "Ya has subido todo lo que puedes por hoy: inténtalo de nuevo mañana.",
    fileAttachedTwice: "Un archivo solo puede adjuntarse una vez a un mensaje.",
    uploadGone: "Un archivo ya no está disponible para enviarlo: súbelo de nuevo.",
    avatarNotYours: "Elige una imagen que hayas subido (JPEG, PNG, WebP o GIF).",
    noSuchUser: template<User>("No hay nadie que se llame «{{ user }}»."),
    roomTaken: template<Room>("Ya existe una sala llamada «{{ room }}»."),
    roomFull: plural<Count>("es", {
      one: "Esta sala está llena ({{ count }} miembro).",
      other: "Esta sala está llena ({{ count }} miembros).",
    }),
    privateRoomsPerDay: plural<Count>("es", {
      one: "Como mucho {{ count }} sala privada al día: inténtalo de nuevo mañana.",
      other: "Como mucho {{ count }} salas privadas al día: inténtalo de nuevo mañana.",
    }),
    privateByInvitation: "A una sala privada se entra por invitación.",
    notAMember: template<Room>("No eres miembro de «{{ room }}»."),
    theyAreNotMember: template<User>("{{ user }} no es miembro de esta sala."),
    publicNoInvite: "Cualquiera puede unirse a una sala pública: no hace falta invitar.",
    unbanFirst: template<User>("{{ user }} tiene prohibida la entrada a esta sala: levanta antes la prohibición."),
    ownerRoleFixed: "El rol del propietario no cambia.",
    noSuchMessage: "Ese mensaje no existe.",
    messageDeleted: "Este mensaje se eliminó.",
    replyGone: "El mensaje al que respondes ya no admite respuestas.",
    reactionsLimit: plural<Count>("es", {
      one: "Un mensaje admite como mucho {{ count }} emoji distinto.",
      other: "Un mensaje admite como mucho {{ count }} emojis distintos.",
    }),
    sessionGone: "Esa sesión ya terminó.",
    fieldTooShort: plural<Count & { field: string }>("es", {
      one: "{{ field }}: al menos {{ count }} carácter.",
      other: "{{ field }}: al menos {{ count }} caracteres.",
    }),
    fieldTooLong: plural<Count & { field: string }>("es", {
      one: "{{ field }}: como máximo {{ count }} carácter.",
      other: "{{ field }}: como máximo {{ count }} caracteres.",
    }),
    fieldCharacters: template<{ field: string }>("{{ field }}: solo letras, dígitos, «_» y «-»."),
    fieldInvalid: template<{ field: string }>("Revisa el campo «{{ field }}»."),
    passwordsDiffer: "Las contraseñas nuevas no coinciden.",
  },
  fields: {
    username: "Nombre de usuario",
    password: "Contraseña",
    currentPassword: "Contraseña actual",
    newPassword: "Contraseña nueva",
    room: "Nombre de la sala",
    text: "Mensaje",
    topic: "Tema",
    displayName: "Nombre visible",
    query: "Palabras de búsqueda",
  },
  login: {
    title: "Iniciar sesión",
    headingSignIn: "Iniciar sesión",
    headingSignUp: "Crear una cuenta",
    username: "Nombre de usuario",
    password: "Contraseña",
    usernameHelp: "De 3 a 32 letras, dígitos, «_» o «-».",
    passwordHelp: "Al menos 8 caracteres.",
    submitSignIn: "Iniciar sesión",
    submitSignUp: "Crear cuenta",
    newHere: "¿Eres nuevo?",
    createAccount: "Crea una cuenta",
    haveAccount: "¿Ya tienes una cuenta?",
    signIn: "Inicia sesión",
    enterBoth: "Escribe tu nombre de usuario y tu contraseña.",
    checkBoth: "Revisa tu nombre de usuario y tu contraseña.",
    signedInHeading: "Ya iniciaste sesión",
    signedInAs:
      "Sesión iniciada como <name/>. <continue>Continúa</continue>, o cierra la sesión desde la parte superior de la página.",
  },
  notFound: {
    title: "Página no encontrada",
    heading: "Página no encontrada",
    body: "<home>Elige una sala</home> en su lugar.",
  },
  account: {
    languageHeading: "Idioma",
    languageLabel: "Idioma de Parlor",
    languageBrowser: template<{ language: string }>("El mismo que este navegador ({{ language }})"),
    languageHelp: "Con la sesión iniciada, tu elección te acompaña en tus otros dispositivos.",
    languageHelpGuest: "Tu elección se guarda en este navegador.",
    languageSaved: "Guardado en tu cuenta.",
  },
  notifications: {
    mentioned: "Te mencionaron.",
    mentionBody: template<{ sender: string; text: string }>("{{ sender }}: {{ text }}"),
    askPermission: "Avísame cuando me mencionen",
    granted: "Recibirás un aviso cuando te mencionen mientras Parlor está en segundo plano.",
    denied: "Las notificaciones de este sitio están bloqueadas en la configuración de tu navegador.",
  },
  moderation: {
    roleOwner: "propietario",
    roleModerator: "moderador",
    roleMember: "miembro",
    joined: template<User>("{{ user }} se unió"),
    left: template<User>("{{ user }} salió"),
    invited: template<User & { by: string }>("{{ by }} añadió a {{ user }}"),
    kicked: template<User & { by: string }>("{{ by }} expulsó a {{ user }}"),
    banned: template<User & { by: string }>("{{ by }} vetó a {{ user }}"),
    unbanned: template<User & { by: string }>("{{ by }} levantó el veto a {{ user }}"),
    madeModerator: template<User & { by: string }>("{{ by }} hizo moderador a {{ user }}"),
    madeMember: template<User & { by: string }>("{{ by }} hizo miembro a {{ user }}"),
  },
  time: {
    justNow: "ahora mismo",
  },
  cli: esCli,
  ...esRoom,
  ...esApp,
  ...esLib,
};
