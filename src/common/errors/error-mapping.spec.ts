import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import {
  BadUserInputError,
  ConflictError,
  ErrorCode,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
} from './app-errors';
import { mapError } from './error-mapping';

describe(mapError.name, () => {
  it('maps each typed error to its code, message and HTTP status', () => {
    expect(mapError(new UnauthenticatedError())).toEqual({
      code: ErrorCode.UNAUTHENTICATED,
      message: 'Authentication required',
      httpStatus: 401,
      internal: false,
    });
    expect(mapError(new ForbiddenError('no'))).toMatchObject({ code: 'FORBIDDEN', message: 'no', httpStatus: 403 });
    expect(mapError(new NotFoundError('Run', 'r-1'))).toMatchObject({
      code: 'NOT_FOUND',
      message: 'Run "r-1" not found',
      httpStatus: 404,
    });
    expect(mapError(new ConflictError('Run is not paused'))).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
    const problems = [
      { path: 'nodes[3].with.url', message: 'must be a string' },
      { path: 'edges[0].to', message: 'unknown node "x"' },
    ];
    expect(mapError(new BadUserInputError(problems))).toEqual({
      code: 'BAD_USER_INPUT',
      message: 'Invalid input (2 problems)',
      httpStatus: 400,
      problems,
      internal: false,
    });
  });

  it('hides everything else behind "Internal error"', () => {
    for (const error of [
      new Error('secret detail'),
      new TypeError('x is undefined'),
      'a string',
      undefined,
      new QueryFailedError('SELECT 1', [], new Error('syntax error')),
      new GraphQLError('unknown'),
    ]) {
      expect(mapError(error)).toEqual({
        code: 'INTERNAL_SERVER_ERROR',
        message: 'Internal error',
        httpStatus: 500,
        internal: true,
      });
    }
  });

  it('understands Nest HTTP exceptions, unique violations and wrapped resolver errors', () => {
    expect(mapError(new BadRequestException('bad'))).toMatchObject({ code: 'BAD_USER_INPUT', internal: false });
    expect(mapError(new NotFoundException())).toMatchObject({ code: 'NOT_FOUND' });
    expect(mapError(new PayloadTooLargeException())).toMatchObject({
      message: 'Request body too large',
      httpStatus: 413,
    });
    const unique = new QueryFailedError('INSERT ...', ['secret'], Object.assign(new Error('dup'), { code: '23505' }));
    expect(mapError(unique)).toMatchObject({ code: 'CONFLICT', internal: false });
    const nul = new QueryFailedError('SELECT ...', ['\u0000'], Object.assign(new Error('0x00'), { code: '22021' }));
    expect(mapError(nul)).toMatchObject({ code: 'BAD_USER_INPUT', httpStatus: 400, internal: false });
    expect(mapError(new GraphQLError('wrapped', { originalError: new ForbiddenError('nope') }))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'nope',
    });
  });

  it('maps a lost or refused database connection to a retryable UNAVAILABLE (503), not an internal error', () => {
    const unavailable = { code: 'UNAVAILABLE', httpStatus: 503, internal: false };
    expect(mapError(new Error('Connection terminated unexpectedly'))).toMatchObject(unavailable);
    expect(mapError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toMatchObject(unavailable);
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(mapError(new QueryFailedError('SELECT 1', [], shutdown))).toMatchObject(unavailable);
    // Anything else stays internal: a syntax error is a bug, not an outage.
    const syntax = Object.assign(new Error('syntax error at or near "x"'), { code: '42601' });
    expect(mapError(new QueryFailedError('SELECT x', [], syntax))).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
