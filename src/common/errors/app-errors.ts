/**
 * The error codes clients see in GraphQL `extensions.code`. Every {@link AppError} carries one;
 * anything else becomes `INTERNAL_SERVER_ERROR` with the message "Internal error".
 */
export enum ErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  CONFLICT = 'CONFLICT',
  /** A dependency (PostgreSQL) cannot be reached right now: nothing happened, try again. */
  UNAVAILABLE = 'UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** One problem with the input: where (`nodes[3].with.url`, `username`) and what is wrong. */
export interface Problem {
  path: string;
  message: string;
}

/**
 * Base class of every error a feature throws on purpose. Its message is shown to the client as is,
 * so it must not contain secrets or internals. Mapped to GraphQL in one place (`error-mapping.ts`).
 */
export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * No valid credentials: missing, malformed, expired or revoked token, or a wrong password.
 *
 * @example throw new UnauthenticatedError('Invalid username or password');
 */
export class UnauthenticatedError extends AppError {
  readonly code = ErrorCode.UNAUTHENTICATED;

  constructor(message = 'Authentication required') {
    super(message);
  }
}

/**
 * Authenticated, but not allowed. Used when the caller may know the resource exists (they have a
 * role in its project, just not a high enough one); otherwise throw {@link NotFoundError}.
 *
 * @example throw new ForbiddenError('Requires role OWNER or higher in this project');
 */
export class ForbiddenError extends AppError {
  readonly code = ErrorCode.FORBIDDEN;
}

/**
 * The resource does not exist, or the caller has no role in its project (the two are
 * indistinguishable on purpose, so nothing leaks across projects).
 *
 * @example throw new NotFoundError('Run', runId);
 */
export class NotFoundError extends AppError {
  readonly code = ErrorCode.NOT_FOUND;

  constructor(
    readonly resource: string,
    readonly id?: string,
  ) {
    super(id === undefined ? `${resource} not found` : `${resource} ${JSON.stringify(id)} not found`);
  }
}

/**
 * The request conflicts with the current state: a duplicate name, or an operation that does not
 * fit the state (resume a run that is not paused). Nothing was changed.
 *
 * @example throw new ConflictError('Run is not paused');
 */
export class ConflictError extends AppError {
  readonly code = ErrorCode.CONFLICT;
}

/**
 * The input is invalid. Carries ALL problems found, each with its path, shown to the client in
 * `extensions.problems`.
 *
 * @example
 * throw new BadUserInputError([{ path: 'nodes[3].with.url', message: 'must be a string' }]);
 */
export class BadUserInputError extends AppError {
  readonly code = ErrorCode.BAD_USER_INPUT;

  constructor(
    readonly problems: readonly Problem[],
    message?: string,
  ) {
    super(
      message ??
        (problems.length === 1
          ? `Invalid input: ${problems[0].path ? `${problems[0].path}: ` : ''}${problems[0].message}`
          : `Invalid input (${problems.length} problems)`),
    );
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
