/**
 * What Shiyu takes as a phone number: digits, optionally with a leading + and spaces or dashes,
 * 5 to 20 characters. One definition for every schema, import check and form (the web app
 * imports this file too, so it imports nothing).
 */
export const PHONE_PATTERN = '^\\+?[0-9][0-9 -]{4,19}$';
export const PHONE = new RegExp(PHONE_PATTERN);
