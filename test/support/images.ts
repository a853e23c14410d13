import sharp from 'sharp';

export type Rgb = [number, number, number];

/** A solid image of this size and colour, as PNG. */
export function solid(width: number, height: number, colour: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

/**
 * 400×200: red in the left quarter, blue in the middle half, green in the right quarter. Covering 100×100 and
 * cropping around the centre keeps only blue; squeezing it to 100×100 would keep red and green at the sides.
 */
export function bands(): Promise<Buffer> {
  const band = (width: number, colour: string) =>
    sharp({ create: { width, height: 200, channels: 3, background: colour } })
      .png()
      .toBuffer();
  return Promise.all([band(100, '#ff0000'), band(200, '#0000ff'), band(100, '#00ff00')]).then(([red, blue, green]) =>
    sharp({ create: { width: 400, height: 200, channels: 3, background: '#000000' } })
      .composite([
        { input: red, left: 0, top: 0 },
        { input: blue, left: 100, top: 0 },
        { input: green, left: 300, top: 0 },
      ])
      .png()
      .toBuffer(),
  );
}

/** A 2-frame animation (red, then blue), each frame `width` × `height`, in GIF or WebP. */
export async function animation(format: 'gif' | 'webp', width: number, height: number): Promise<Buffer> {
  const frames = await Promise.all(['#ff0000', '#0000ff'].map((colour) => solid(width, height, colour)));
  return sharp(frames, { join: { animated: true } })
    .toFormat(format)
    .toBuffer();
}

/** Format, frame count and the size of one frame. */
export async function frames(
  image: Buffer,
): Promise<{ format?: string; pages: number; width?: number; height?: number }> {
  const meta = await sharp(image, { animated: true }).metadata();
  return { format: meta.format, pages: meta.pages ?? 1, width: meta.width, height: meta.pageHeight ?? meta.height };
}

/** The colour at (x, y) of frame `page`, each channel rounded to the nearest 0 or 255 (codecs blur colours a little). */
export async function pixel(image: Buffer, x: number, y: number, page = 0): Promise<Rgb> {
  const { data, info } = await sharp(image, { page }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return [0, 1, 2].map((c) => (data[at + c] > 127 ? 255 : 0)) as Rgb;
}
