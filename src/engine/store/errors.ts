/** Errors the store raises itself (SQLite's own errors pass through with their `code`). */

/** Thrown when the file was written by a newer version of the app; the file is left untouched. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly supportedVersion: number,
  ) {
    super(`database version ${databaseVersion} is newer than this app supports (${supportedVersion})`);
    this.name = 'DatabaseTooNewError';
  }
}

/** Thrown by `openReadOnly` when the file has not been migrated to this app's schema yet. */
export class DatabaseTooOldError extends Error {
  constructor(
    readonly databaseVersion: number,
    readonly supportedVersion: number,
  ) {
    super(`database version ${databaseVersion} is older than this app expects (${supportedVersion}); open it read-write once to migrate it`);
    this.name = 'DatabaseTooOldError';
  }
}
