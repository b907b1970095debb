/** Password rules, shared by the accounts service, the API's schemas and the studio's forms. */
export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase; argon2 of a megabyte would be a cheap way to load the server. */
export const MAX_PASSWORD_LENGTH = 1024;
