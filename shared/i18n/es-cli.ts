/** La CLI en español (el espacio `cli` de es.ts): su ayuda, sus errores de uso y cada línea que muestra. */
import type { Catalog } from "./en.ts";
import { plural, template } from "./plural.ts";

type Room = { room: string };
type User = { user: string };
type Count = { count: number };
/** How the CLI is run, as its hints spell it: `bun run chat --` here, `parlor` installed (client/cli/program.ts). */
type Program = { program: string };

export const esCli: Catalog["cli"] = {
  help: template<{ credentials: string } & Program>(`Parlor, el chat desde la línea de órdenes.

Uso: {{ program }} <orden> [argumentos] [opciones]

Órdenes:
  register <usuario>                crea una cuenta e inicia sesión
  login <usuario>                   inicia sesión (la contraseña viene de PARLOR_PASSWORD, de una
                                    pregunta o de stdin)
  logout [--all | --session <id>]   cierra la sesión (--all: todas tus sesiones, en todos tus
                                    dispositivos; --session: la que "sessions" muestra con ese id)
  whoami                            con qué usuario tiene la sesión iniciada esta terminal
  passwd                            cambia tu contraseña (la actual y luego la nueva: PARLOR_PASSWORD y
                                    PARLOR_NEW_PASSWORD, preguntas, o dos líneas de stdin); tus
                                    otras sesiones se cierran, esta sigue abierta
  profile [<usuario>] [--name <texto>] [--avatar <ruta>|none]
                                    cómo te ve la gente (o a esa persona): nombre visible e imagen;
                                    --name pone el tuyo ("" lo borra), --avatar sube una imagen y la
                                    usa (su miniatura pasa a ser pública; "none" la quita)
  sessions                          tus sesiones: navegador y sistema, red, cuándo empezó cada una,
                                    cuándo estuvo activa por última vez y cuándo caduca; esta, marcada
  send <sala> <texto…> [--reply <seq>] [--file <ruta>]…
                                    envía un mensaje ("-" lee el texto de stdin); --reply responde al
                                    mensaje <seq>; cada --file se sube y se adjunta, en orden (el texto
                                    puede quedar vacío)
  edit <sala> <seq> <texto…>        cambia el texto de tu mensaje <seq> ("-" lo lee de stdin)
  delete <sala> <seq>               elimina el mensaje <seq>: uno tuyo, o el de cualquiera en una sala
                                    que moderas (queda como "(eliminado)")
  react <sala> <seq> <emoji> [--remove]
                                    añade tu emoji al mensaje <seq>, o lo retira
  history <sala> [--before <seq>] [--limit <n>] [--json]
                                    una página de mensajes, los más antiguos arriba; los archivos
                                    debajo de su mensaje, con nombre, tamaño y URL
  download <id o URL> [-o <ruta>] [--force]
                                    guarda un archivo de un mensaje (con la sesión iniciada, o como
                                    invitado en salas públicas) con su propio nombre aquí, o en <ruta>
                                    (un directorio: dentro de él; "-": stdout); un archivo que ya existe
                                    se conserva salvo con --force, y nunca se sigue un enlace en el destino
  tail <sala> [--lines <n>]         los últimos n mensajes (10 por omisión) y luego la sala en vivo
                                    (mensajes nuevos, ediciones, eliminaciones, reacciones); Ctrl-C
                                    para; con la sesión iniciada, lo mostrado se marca como leído
  who <sala>                        quién está ahora en la sala y quién está escribiendo
  rooms                             tus salas (🔒: solo miembros) con mensajes sin leer y menciones,
                                    y luego las salas públicas con actividad más reciente

Salas (en send, history, tail, info y members, <sala> puede ser @usuario: tu conversación con esa persona):
  create <sala> [--private] [--topic <texto>]
                                    una sala nueva, de la que eres propietario; una privada solo la
                                    ven sus miembros
  info <sala>                       visibilidad, tema, propietario, número de miembros, tu rol
  members <sala>                    quiénes son miembros, con sus roles
  invite <sala> <usuario>           añade a alguien a una sala privada (propietario, moderadores)
  kick <sala> <usuario>             expulsa a un miembro (propietario, moderadores)
  ban <sala> <usuario>              expulsa y no deja volver (propietario, moderadores)
  unban <sala> <usuario>            deja volver a alguien vetado (propietario, moderadores)
  role <sala> <usuario> moderator|member
                                    hace moderador a un miembro, o lo devuelve a miembro (propietario)
  topic <sala> [<texto…>]           pone el tema, o lo borra si no hay texto (propietario, moderadores)
  leave <sala>                      sale de una sala (el propietario no puede)
  dm <usuario>                      tu conversación directa con alguien: su sala y cómo escribirle
  search <palabras…> [--room <sala>] [--before <id>] [--limit <n>] [--json]
                                    mensajes con todas esas palabras, los más nuevos primero, en las
                                    salas que puedes leer
  export <sala>                     todos los mensajes de la sala como líneas JSON, los más nuevos primero

Opciones:
  --url <url>    el servidor (por omisión: PARLOR_URL, si no http://localhost:3000)
  -h, --help     este texto

El token de sesión se guarda en {{ credentials }} (PARLOR_TOKEN tiene prioridad).
La CLI habla el idioma de LC_ALL, LC_MESSAGES o LANG (es_*: español; si no, inglés).`),
  unknownCommand: template<{ name: string }>("La orden «{{ name }}» no existe."),
  unknownOption: template<{ option: string }>("La opción «{{ option }}» no existe."),
  optionValue: template<{ option: string }>("La opción «{{ option }}» necesita un valor."),
  badArguments: "No se pueden leer estos argumentos.",
  cannotReach: template<{ url: string; reason: string }>("No se puede conectar con Parlor en {{ url }}: {{ reason }}"),
  signInFirst: template<Program>(" (inicia sesión primero: {{ program }} login <usuario>)"),
  unsafeCredentials: template<{ path: string }>(
    "{{ path }} es un enlace simbólico: no se guardará un token de sesión a través de él. Elimínalo y vuelve a iniciar sesión.",
  ),
  plainHttp: template<{ what: string; host: string }>(
    "Atención: vas a enviar {{ what }} por HTTP sin cifrar a {{ host }}: cualquiera en la red intermedia puede leerlo y actuar en tu nombre. Usa https://.",
  ),
  yourToken: "tu token de sesión",
  yourPassword: "tu contraseña",
  missing: template<{ what: string }>("Falta {{ what }}."),
  argRoom: "la sala",
  argRoomName: "el nombre de la sala",
  argUsername: "el nombre de usuario",
  argSeq: "el seq del mensaje (el #número que muestra history)",
  argEmoji: "el emoji",
  argRole: "el rol (moderator o member)",
  argWords: "las palabras que buscar",
  wholeNumber: template<{ name: string; value: string }>("--{{ name }} lleva un número entero, no «{{ value }}»."),
  seqFormat: template<{ value: string }>(
    "El seq de un mensaje es un número entero (el #número que muestra history), no «{{ value }}».",
  ),
  promptPassword: "Contraseña: ",
  promptCurrentPassword: "Contraseña actual: ",
  promptNewPassword: "Contraseña nueva: ",
  promptNewPasswordAgain: "Repite la contraseña nueva: ",
  registered: template<User & { url: string }>("Cuenta creada; sesión iniciada como {{ user }} en {{ url }}."),
  signedIn: template<User & { url: string }>("Sesión iniciada como {{ user }} en {{ url }}."),
  sessionEnded: template<{ id: string }>("Sesión {{ id }} cerrada."),
  sessionEndedThis: template<{ id: string }>("Sesión {{ id }} cerrada (era esta: se cerró tu sesión)."),
  signedOutEverywhere: plural<Count>("es", {
    one: "Sesión cerrada en todas partes ({{ count }} sesión).",
    other: "Sesión cerrada en todas partes ({{ count }} sesiones).",
  }),
  signedOut: "Sesión cerrada.",
  passwordChanged: plural<Count>("es", {
    one: "Contraseña cambiada. Se cerró {{ count }} sesión más; esta sigue abierta.",
    other: "Contraseña cambiada. Se cerraron {{ count }} sesiones más; esta sigue abierta.",
  }),
  sessionSince: template<{ when: string }>("desde {{ when }}"),
  sessionSinceUnknown: "desde (desconocido)",
  sessionClient: template<{ browser: string; system: string }>("{{ browser }} en {{ system }}"),
  sessionUnknownClient: "cliente desconocido",
  sessionFrom: template<{ address: string }>("desde la red {{ address }}"),
  sessionActive: template<{ when: string }>("activa {{ when }}"),
  sessionActiveUnknown: "activa (desconocido)",
  sessionExpires: template<{ when: string }>("caduca {{ when }}"),
  unknown: "(desconocido)",
  thisOne: "(esta)",
  notSignedIn: "No has iniciado sesión.",
  deletedMessage: template<Room & { seq: number }>("Eliminado el #{{ seq }} en {{ room }}."),
  noMessages: template<Room>("No hay mensajes en {{ room }}."),
  noMessagesBefore: template<Room & { seq: string }>("No hay mensajes en {{ room }} antes del #{{ seq }}."),
  olderHistory: template<Room & { cursor: number } & Program>(
    "-- más antiguos: {{ program }} history {{ room }} --before {{ cursor }} --",
  ),
  live: template<Room>("-- en vivo en {{ room }} (Ctrl-C para parar) --"),
  notMarkingRead: template<Room & { reason: string }>("-- no se marca {{ room }} como leída: {{ reason }} --"),
  guests: plural<Count>("es", { one: "{{ count }} invitado", other: "{{ count }} invitados" }),
  nobody: "Nadie.",
  typing: template<{ names: string }>("escribiendo: {{ names }}"),
  nothingFound: "No se encontró nada.",
  olderResults: template<{ cursor: number }>("-- más antiguos: añade --before {{ cursor }} --"),
  exported: plural<Count>("es", { one: "-- {{ count }} mensaje --", other: "-- {{ count }} mensajes --" }),
  yourRooms: "Tus salas:",
  noRoomsYet: "(ninguna todavía: escribe en una sala o crea una)",
  signInForRooms: template<Program>(
    "(inicia sesión para ver tus salas y lo que no has leído: {{ program }} login <usuario>)",
  ),
  activeRooms: "Salas públicas activas:",
  noneYet: "(ninguna todavía)",
  createdPublic: template<Room>("Sala pública {{ room }} creada; eres su propietario."),
  createdPrivate: template<Room>("Sala privada {{ room }} creada; eres su propietario."),
  privateHint: template<Room & Program>(
    "Solo sus miembros la ven. Añade a alguien: {{ program }} invite {{ room }} <usuario>",
  ),
  invited: template<Room & User>("{{ user }} está invitado a {{ room }}: ya es miembro."),
  kicked: template<Room & User>("{{ user }} fue expulsado de {{ room }}."),
  banned: template<Room & User>(
    "{{ user }} tiene vetada la entrada a {{ room }}: no podrá volver hasta que se levante el veto.",
  ),
  unbanned: template<Room & User>("{{ user }} ya no tiene vetada la entrada a {{ room }}."),
  roleInvalid: template<{ value: string }>("Un rol es «moderator» o «member», no «{{ value }}»."),
  nowModerator: template<Room & User>("{{ user }} ahora es moderador de {{ room }}."),
  nowMember: template<Room & User>("{{ user }} ahora es miembro de {{ room }}."),
  topicSet: template<Room & { topic: string }>("El tema de {{ room }} ahora es: {{ topic }}"),
  topicCleared: template<Room>("{{ room }} ya no tiene tema."),
  leaveDirect: template<User & Program>(
    "Para salir de una conversación directa, indica su sala ({{ program }} dm {{ user }} la muestra).",
  ),
  left: template<Room>("Saliste de {{ room }}."),
  dmIs: template<Room & User>("Tu conversación con {{ user }} es {{ room }}."),
  dmSend: template<Room & User & Program>(
    "Para escribir: {{ program }} send @{{ user }} <texto>   (o: send {{ room }} <texto>)",
  ),
  dmRead: template<User & Program>("Para leer:    {{ program }} tail @{{ user }}"),
  edited: "(editado)",
  deleted: "(eliminado)",
  entryEdited: template<{ by: string; target: number; text: string }>("{{ by }} editó el #{{ target }}: {{ text }}"),
  entryDeleted: template<{ by: string; target: number }>("{{ by }} eliminó el #{{ target }}"),
  entryReacted: template<User & { emoji: string; target: number }>(
    "{{ user }} reaccionó con {{ emoji }} al #{{ target }}",
  ),
  entryUnreacted: template<User & { emoji: string; target: number }>("{{ user }} retiró {{ emoji }} del #{{ target }}"),
  kindPublic: "pública",
  kindPrivate: "🔒 privada",
  kindDirect: "🔒 directa",
  kindWith: template<User>("🔒 con {{ user }}"),
  infoTopic: template<{ topic: string }>("tema: {{ topic }}"),
  none: "(ninguno)",
  infoOwner: template<{ owner: string }>("propietario: {{ owner }}"),
  infoMembers: template<Count>("miembros: {{ count }}"),
  infoYou: template<{ role: string }>("tú: {{ role }}"),
  notMember: "no eres miembro",
  noUnread: "nada sin leer",
  unread: template<{ unread: number }>("{{ unread }} sin leer"),
  unreadMentions: plural<Count & { unread: number }>("es", {
    one: "{{ unread }} sin leer, {{ count }} mención",
    other: "{{ unread }} sin leer, {{ count }} menciones",
  }),
  lastAt: template<{ when: string }>("último {{ when }}"),
  messages: plural<Count>("es", { one: "{{ count }} mensaje", other: "{{ count }} mensajes" }),
  hereNow: template<Count>("{{ count }} aquí ahora"),
  argFile: "el id o la URL del archivo",
  notAFile: template<{ path: string }>("No se puede leer «{{ path }}»: no es un archivo."),
  uploaded: template<{ name: string; size: string }>("-- subido {{ name }} ({{ size }}) --"),
  notFileTarget: template<{ target: string }>("«{{ target }}» no es ni el id ni la URL de un archivo."),
  otherServer: template<{ target: string; origin: string; server: string }>(
    "«{{ target }}» está en {{ origin }}, no en {{ server }}: añade --url {{ origin }} para traerlo de allí.",
  ),
  notFileUrl: template<{ target: string }>("«{{ target }}» no es la URL de un archivo (/files/<id>/<nombre>)."),
  noSuchFile: "No hay ningún archivo así que puedas leer.",
  noSuchFileSignIn: template<Program>(
    "No hay ningún archivo así: quizá necesites iniciar sesión ({{ program }} login <usuario>).",
  ),
  serverAnswered: template<{ status: number; path: string }>("El servidor respondió {{ status }} para {{ path }}."),
  saved: template<{ path: string; size: string }>("Guardado {{ path }} ({{ size }})."),
  targetExists: template<{ path: string }>(
    "{{ path }} ya existe: no se sobrescribe (--force lo reemplaza, -o indica otra ruta).",
  ),
  profileOwnOnly: "--name y --avatar cambian tu propio perfil: no indiques un usuario.",
  whoseProfile: "¿El perfil de quién? Indica un usuario, o inicia sesión para ver el tuyo.",
  profileName: template<{ name: string }>("nombre: {{ name }}"),
  profileAvatar: template<{ url: string }>("imagen: {{ url }}"),
};
