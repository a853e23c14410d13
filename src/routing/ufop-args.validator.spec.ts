import { IsInt, IsOptional, Min } from 'class-validator';
import { validateArgs } from './ufop-args.validator';

class SizeArgs {
  @IsInt()
  @Min(1)
  width: number;

  @IsOptional()
  @IsInt()
  height?: number;
}

describe('validateArgs', () => {
  it('converts strings to the declared types', async () => {
    const args = await validateArgs(SizeArgs, { width: '200', height: '100' });
    expect(args).toBeInstanceOf(SizeArgs);
    expect(args).toEqual({ width: 200, height: 100 });
  });

  it('reports every violation in one 400', async () => {
    await expect(validateArgs(SizeArgs, { width: '0', height: 'x' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/width must not be less than 1.*height must be an integer/),
    });
  });

  it('refuses keys the args class does not declare', async () => {
    await expect(validateArgs(SizeArgs, { width: '1', depth: '2' })).rejects.toThrow(/property depth should not exist/);
  });

  it('passes raw strings through when there is no args class', async () => {
    expect(await validateArgs(undefined, { a: '1' })).toEqual({ a: '1' });
  });
});
