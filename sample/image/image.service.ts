import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { UfopBadRequestError } from 'qiniu-ufop';

/** Wraps sharp so handlers stay about the protocol and this stays about pixels. */
@Injectable()
export class ImageService {
  /**
   * Resizes to `width` × `height`, or keeps the aspect ratio when no height is given.
   * The output keeps the input's format (JPEG, PNG, WebP, ...).
   */
  async resize(image: Buffer, width: number, height?: number): Promise<{ data: Buffer; contentType: string }> {
    try {
      const { data, info } = await sharp(image, { limitInputPixels: 100_000_000 })
        .rotate()
        .resize(width, height, { fit: height ? 'fill' : 'inside' })
        .toBuffer({ resolveWithObject: true });
      return { data, contentType: `image/${info.format}` };
    } catch (error) {
      throw new UfopBadRequestError(`input is not an image sharp can read: ${(error as Error).message}`);
    }
  }
}
