import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** `thumb/:width/:height?`: numbers arrive as strings and are converted from these declared types. */
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
}
