import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { BadUserInputError, type Problem } from './app-errors';

/** Flattens class-validator errors into `{ path, message }` problems (`input.name: must be ...`). */
export function problemsOf(errors: readonly ValidationError[], prefix = ''): Problem[] {
  const problems: Problem[] = [];
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) problems.push({ path, message });
    if (error.children?.length) problems.push(...problemsOf(error.children, path));
  }
  return problems;
}

/**
 * The global validation pipe: class-validator rules on `@InputType()`/`@ArgsType()` classes;
 * every failure becomes ONE {@link BadUserInputError} listing all problems.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadUserInputError(problemsOf(errors)),
  });
}
