import { Injectable } from '@nestjs/common';
import sharp, { FitEnum } from 'sharp';
import { UfopBadRequestError } from 'qiniu-ufop';
import { ThumbMode } from './thumb.args';

export interface ThumbSize {
  width: number;
  /** Without a height the aspect ratio decides it. */
  height?: number;
  /** See `ThumbMode`; `fit` when not given. */
  mode?: ThumbMode;
}

/** sharp's names for the two modes. */
const FIT: Record<ThumbMode, keyof FitEnum> = { fit: 'inside', crop: 'cover' };

/** Wraps sharp so handlers stay about the protocol and this stays about pixels. */
@Injectable()
export class ImageService {
  /**
   * Makes a thumbnail of an image given as bytes or as a file path (sharp reads a file without loading it whole).
   * The output keeps the input's format (JPEG, PNG, WebP, GIF, ...) and, for an animated GIF or WebP, every frame:
   * `animated: true` reads all pages, and sharp resizes and crops each one alike.
   */
  async thumbnail(
    image: Buffer | string,
    { width, height, mode = 'fit' }: ThumbSize,
  ): Promise<{ data: Buffer; contentType: string }> {
    try {
      const { data, info } = await sharp(image, { limitInputPixels: 100_000_000, animated: true })
        .rotate() // upright as the EXIF orientation says, before the size is measured
        .resize(width, height, { fit: FIT[mode] })
        .toBuffer({ resolveWithObject: true });
      return { data, contentType: `image/${info.format}` };
    } catch (error) {
      throw new UfopBadRequestError(`input is not an image sharp can read: ${(error as Error).message}`);
    }
  }
}
