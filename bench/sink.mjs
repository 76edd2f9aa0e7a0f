// The local sink for the end-to-end benchmark: a separate process on 127.0.0.1 that answers 200
// at once and counts what arrives (events, requests, bytes on the wire). GET /stats reads the counts.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';

let stats = { events: 0, requests: 0, bytes: 0, connections: 0 };
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') return void res.end(JSON.stringify(stats));
  if (req.method === 'POST' && req.url === '/reset') {
    stats = { events: 0, requests: 0, bytes: 0, connections: 0 };
    return void res.end('{}');
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    stats.requests++;
    stats.bytes += body.length;
    try {
      const raw = body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body;
      const payload = JSON.parse(raw.toString('utf8'));
      stats.events += Array.isArray(payload.events) ? payload.events.length : Array.isArray(payload.batch) ? payload.batch.length : 1;
    } catch {
      // counted as a request only
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
  });
});
server.on('connection', () => stats.connections++);
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
