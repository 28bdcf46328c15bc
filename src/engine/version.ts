/** Kept in step with package.json by tests/engine/version.test.ts. */
export const APP_NAME = 'TransEncoder Studio';
export const APP_VERSION = '0.1.0';
