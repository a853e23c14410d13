import { IsBoolean, IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { validateArgs } from './ufop-args.validator';

class SizeArgs {
  @IsInt()
  @Min(1)
  @Max(8192)
  width: number;

  @IsOptional()
  @IsInt()
  height?: number;
}

/** Types read from the declared property types alone, and constraints written in an unusual order. */
class LooseArgs {
  @IsOptional()
  @Min(0)
  ratio?: number;

  @IsOptional()
  strip?: boolean;

  @IsOptional()
  @Max(10)
  @IsNumber()
  @Min(1)
  scale?: number;

  @IsOptional()
  @IsBoolean()
  flag?: boolean;
}

const refusal = (message: string) => expect.objectContaining({ status: 400, message: `invalid args: ${message}` });

describe('validateArgs', () => {
  it('converts strings to the declared types', async () => {
    const args = await validateArgs(SizeArgs, { width: '200', height: '100' });
    expect(args).toBeInstanceOf(SizeArgs);
    expect(args).toEqual({ width: 200, height: 100 });
  });

  it('reports every failing property in one 400, one message each', async () => {
    await expect(validateArgs(SizeArgs, { width: '0', height: 'x' })).rejects.toThrow(
      refusal('width must not be less than 1; height must be an integer number'),
    );
  });

  it('says a non-number is not an integer, not that it is out of range', async () => {
    await expect(validateArgs(SizeArgs, { width: 'abc' })).rejects.toThrow(refusal('width must be an integer number'));
  });

  it.each(['1e3', '0x10', '+5', ' 5', '5 ', '', 'Infinity', 'NaN', '3.0', '0b1', '1_000', '٣', '9007199254740993'])(
    'refuses %j for an integer: decimal digits only',
    async (raw) => {
      await expect(validateArgs(SizeArgs, { width: raw })).rejects.toThrow(refusal('width must be an integer number'));
    },
  );

  it('accepts plain decimal integers, with leading zeros or a minus sign (range checks do the rest)', async () => {
    expect(await validateArgs(SizeArgs, { width: '007' })).toEqual({ width: 7 });
    await expect(validateArgs(SizeArgs, { width: '-5' })).rejects.toThrow(refusal('width must not be less than 1'));
  });

  it('accepts a sign and a fraction for a non-integer number, and refuses other notations', async () => {
    expect(await validateArgs(LooseArgs, { ratio: '2.5', scale: '3' })).toEqual({ ratio: 2.5, scale: 3 });
    expect(await validateArgs(LooseArgs, { scale: '1.0' })).toEqual({ scale: 1 });
    await expect(validateArgs(LooseArgs, { ratio: '-5' })).rejects.toThrow(refusal('ratio must not be less than 0'));
    for (const raw of ['1e3', '.5', '5.', '+1', 'Infinity', '9'.repeat(400)]) {
      // No type constraint on ratio: the framework's own message, not "must not be less than 0".
      await expect(validateArgs(LooseArgs, { ratio: raw })).rejects.toThrow(
        refusal('ratio must be a number (decimal notation such as 12, -3 or 2.5)'),
      );
    }
  });

  it('reports the type constraint first whatever the order of the decorators', async () => {
    await expect(validateArgs(LooseArgs, { scale: 'x' })).rejects.toThrow(
      refusal('scale must be a number conforming to the specified constraints'),
    );
    await expect(validateArgs(LooseArgs, { scale: '0' })).rejects.toThrow(refusal('scale must not be less than 1'));
  });

  it('reads booleans strictly: true, false, 1, 0', async () => {
    expect(await validateArgs(LooseArgs, { strip: 'true', flag: '0' })).toEqual({ strip: true, flag: false });
    expect(await validateArgs(LooseArgs, { strip: 'false', flag: '1' })).toEqual({ strip: false, flag: true });
    for (const raw of ['yes', 'TRUE', '', '2']) {
      await expect(validateArgs(LooseArgs, { strip: raw, flag: raw })).rejects.toThrow(
        refusal('flag must be a boolean value; strip must be a boolean (true, false, 1 or 0)'),
      );
    }
  });

  it('refuses keys the args class does not declare', async () => {
    await expect(validateArgs(SizeArgs, { width: '1', depth: '2' })).rejects.toThrow(/property depth should not exist/);
  });

  it('passes raw strings through when there is no args class', async () => {
    expect(await validateArgs(undefined, { a: '1' })).toEqual({ a: '1' });
  });
});
