// Reference: what a hand-written Express echo costs. The framework's targets are ratios to this.
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.post('/handler', express.raw({ type: () => true, limit: '20mb' }), (req, res) => {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  res
    .status(200)
    .type(req.headers['content-type'] ?? 'application/octet-stream')
    .send(body);
});
const server = app.listen(0, '127.0.0.1', () => console.log(`listening on port ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
