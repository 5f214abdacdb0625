/**
 * Domain errors. Services throw these; the one error handler in http-errors.ts
 * turns them into `{"error":{"code","message","field"}}` with the status below.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** Extra structured detail returned beside the message (an import report). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Bad input that a schema could not catch; `field` names it. */
export class ValidationError extends AppError {
  constructor(field: string, message: string, details?: unknown) {
    super(400, 'invalid_input', message, field, details);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'sign in first') {
    super(401, 'unauthorized', message);
  }
}

/** The caller may see the record but not do this to it. */
export class ForbiddenError extends AppError {
  constructor(message = 'your role may not do this') {
    super(403, 'forbidden', message);
  }
}

/**
 * Absent, or outside the caller's jurisdiction: the two are indistinguishable on purpose.
 * `field` names the parameter that pointed at it, when one did (a filter's adminUnitId).
 */
export class NotFoundError extends AppError {
  constructor(what: string, message?: string, field?: string) {
    super(404, 'not_found', message ?? `${what} not found`, field);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, field?: string, details?: unknown) {
    super(409, 'conflict', message, field, details);
  }
}

/**
 * A disk the instance writes to is full: nothing is lost, but nothing more can be stored
 * until someone frees space. `disk` names which (case photos, the database).
 */
export class StorageFullError extends AppError {
  constructor(disk: string) {
    super(507, 'storage_full', `the disk holding ${disk} is full; nothing was stored: free space on it, then try again`);
  }
}

/** The operating system's "no space left" (ENOSPC) or "quota exceeded" (EDQUOT), or PostgreSQL's disk_full (53100). */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === '53100';
}

/** A whole import refused; `details` lists every offending row or feature. */
export class ImportRejectedError extends AppError {
  constructor(message: string, readonly problems: ImportProblem[]) {
    super(422, 'import_rejected', message, 'file', { problems });
  }
}

/**
 * Refuses a whole import, counting every problem and listing the first thousand: enough to fix a
 * file by, while a file wrong throughout does not become a report of megabytes.
 */
export function rejectImport(what: string, problems: ImportProblem[]): never {
  throw new ImportRejectedError(`${problems.length} ${what} rejected; nothing was imported`, problems.slice(0, 1000));
}

/** One rejected row or feature of an import, named so a person can find it. */
export interface ImportProblem {
  /** 1-based row (CSV/XLSX, after the header) or 0-based feature index (GeoJSON). */
  index: number;
  code?: string;
  problems: string[];
}
