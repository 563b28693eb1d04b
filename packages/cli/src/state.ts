/** Where a command is: for a write, an error before sending means nothing was sent. */
export const progress = { write: false, sent: false };
