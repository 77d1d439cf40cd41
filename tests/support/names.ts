/** Names no other test of this run uses (letters, digits and '_': valid as a username and as a room name). */
let counter = 0;
export const uniqueName = (prefix: string) => `${prefix}${process.pid % 10000}_${++counter}`;
