// Baseline for the thumbnail row: node:http and the sample's own ImageService, nothing else — no Nest, no limiter.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ImageService } = require('../../dist/sample/image/image.service.js');
const images = new ImageService();
const width = Number(process.env.THUMB_WIDTH || 200);

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    try {
      const { data, contentType } = await images.thumbnail(Buffer.concat(chunks), { width });
      res.writeHead(200, { 'content-type': contentType, 'content-length': data.length });
      res.end(data);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: error.message }));
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening on port ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
