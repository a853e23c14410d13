import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/**
 * How a thumbnail meets a width and a height, named after what Qiniu's imageView2 does:
 * - `fit` (the default, imageView2 mode 2): scaled to fit inside width × height, aspect ratio kept;
 * - `crop` (imageView2 mode 1): scaled to cover width × height, then the overflow is cut off around the centre,
 *   so the result is exactly width × height and nothing is stretched.
 */
export const THUMB_MODES = ['fit', 'crop'] as const;
export type ThumbMode = (typeof THUMB_MODES)[number];

/**
 * `thumb/:width/:height?` with an optional Qiniu-style pair: `thumb/200/100/mode/crop`.
 * Numbers arrive as strings and are converted from these declared types.
 */
export class ThumbArgs {
  @IsInt()
  @Min(1)
  @Max(8192)
  width: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(8192)
  height?: number;

  @IsOptional()
  @IsIn(THUMB_MODES)
  mode?: ThumbMode;
}
