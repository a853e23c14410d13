import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { toErrorBody } from './error-body';
import { UfopError, UfopTimeoutError } from './ufop.errors';

describe('toErrorBody', () => {
  it('keeps the status and message of a UfopError', () => {
    expect(toErrorBody(new UfopTimeoutError('too slow'))).toEqual({
      status: 504,
      message: 'too slow',
      unexpected: false,
    });
    expect(toErrorBody(new UfopError(422, 'odd input'))).toEqual({
      status: 422,
      message: 'odd input',
      unexpected: false,
    });
  });

  it('reads the message of Nest exceptions, including validation message lists', () => {
    expect(toErrorBody(new NotFoundException('gone'))).toEqual({ status: 404, message: 'gone', unexpected: false });
    expect(toErrorBody(new BadRequestException(['a is bad', 'b is bad']))).toMatchObject({
      status: 400,
      message: 'a is bad; b is bad',
    });
    expect(toErrorBody(new HttpException('plain', 409))).toMatchObject({ status: 409, message: 'plain' });
  });

  it('hides anything else behind a generic 500', () => {
    for (const thrown of [new TypeError('secret'), 'a string', null, { status: 400, message: 'looks like one' }]) {
      expect(toErrorBody(thrown)).toEqual({ status: 500, message: 'internal error', unexpected: true });
    }
  });

  it('treats an error thrown with a non-error status as unexpected', () => {
    expect(toErrorBody(new UfopError(200, 'fine?'))).toMatchObject({ status: 500, unexpected: true });
    expect(toErrorBody(new HttpException('redirect', 302))).toMatchObject({ status: 500, unexpected: true });
    expect(toErrorBody(new UfopError(1000, 'too big'))).toMatchObject({ status: 500, unexpected: true });
  });
});
