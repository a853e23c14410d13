// Messages of cmd routing and args validation: what a client reads in the `{"error"}` of a 400.

/** Prefix of every args message, so a client can tell a bad arg from a bad input. */
export const INVALID_ARGS = 'invalid args: ';

export const missingValueMessage = (key: string) =>
  `missing value for ${JSON.stringify(key)}: args after the route come in key/value pairs (${key}/<value>)`;

export const missingParamMessage = (name: string, pattern: string) =>
  `missing value for ${JSON.stringify(name)}: the route is ${pattern}`;

export const emptyKeyMessage = (value: string) =>
  `empty key before ${JSON.stringify(value)}: args after the route come in key/value pairs (<key>/${value})`;

export const repeatedKeyMessage = (key: string) => `key ${JSON.stringify(key)} is given twice`;

export const reservedKeyMessage = (key: string) => `key ${JSON.stringify(key)} is not allowed`;

/** Said when a declared number or boolean arg is not in the strict notation, and no type constraint of the args class said it. */
export const notIntegerMessage = (property: string) =>
  `${property} must be an integer (decimal digits, optionally after -)`;
export const notNumberMessage = (property: string) =>
  `${property} must be a number (decimal notation such as 12, -3 or 2.5)`;
export const notBooleanMessage = (property: string) => `${property} must be a boolean (true, false, 1 or 0)`;
