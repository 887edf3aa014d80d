/** Errors that are the user's to fix (bad arguments, config, rules, input): exit 2 with the message, no stack. */
export class UserError extends Error {}
