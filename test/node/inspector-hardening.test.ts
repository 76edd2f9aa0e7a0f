import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { catalog as storefront } from '../../schema/storefront';
import { main } from '../../src/cli/index';
import { startInspector, type Inspector, type InspectorOptions } from '../../src/node/index';

const open: Inspector[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((inspector) => inspector.close()));
});

async function inspector(options: Partial<InspectorOptions> = {}) {
  const started = await startInspector({ catalogs: [storefront], port: 0, ...options });
  open.push(started);
  return { ...started, port: Number(new URL(started.url).port) };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP request with exactly these headers (Host included), over node:http. */
function send(url: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer | Buffer[] } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(`${url}${path}`, { method: init.method ?? (init.body === undefined ? 'GET' : 'POST'), headers: init.headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    // A body refused part-way is cut off by the server after its answer: the answer is what counts.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    if (Array.isArray(init.body)) for (const chunk of init.body) req.write(chunk);
    else if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

const checkout = (orderId: string, extra: Record<string, unknown> = {}) => ({ event_name: 'checkout.start', user_id: 'u_1', uuid: orderId, properties: { order_id: orderId, tier: 'pro', subtotal: 58, country: 'US' }, ...extra });
const webhookBody = (...events: unknown[]) => JSON.stringify({ events });

async function waitFor(condition: () => boolean, what: string | (() => string), ms = 5000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('inspector: a payload it cannot serialise', () => {
  it('is refused before it is kept, and the next reads still work', async () => {
    const { url } = await inspector();
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const refused = await send(url, '/webhook', { body: `{"events":[${JSON.stringify(checkout('ord_deep')).slice(0, -1)},"deep":${deep}}]}` });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).error).toMatch(/^\[trackplan\] \[inspector\] event "checkout.start" cannot be checked or serialised \(Maximum call stack size exceeded; nested too deeply\?\); nothing of this request was kept$/);
    const list = await send(url, '/api/events');
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)).toEqual([]);
    // A batch with one such event is refused whole: none of it is kept.
    const mixed = await send(url, '/webhook', { body: `{"events":[${JSON.stringify(checkout('ord_fine'))},${JSON.stringify(checkout('ord_deep')).slice(0, -1)},"deep":${deep}}]}` });
    expect(mixed.status).toBe(400);
    expect((await send(url, '/api/events')).text).toBe('[]');
  });

  it('leaves nested payloads that serialise alone', async () => {
    const { url, events } = await inspector();
    const nested = JSON.parse(`${'['.repeat(200)}1${']'.repeat(200)}`);
    expect((await send(url, '/webhook', { body: webhookBody(checkout('ord_1', { nested })) })).status).toBe(200);
    expect(JSON.parse((await send(url, '/api/events')).text)).toMatchObject([{ id: 1, event: 'checkout.start', status: 'valid', payload: { nested } }]);
    expect(events()).toMatchObject([{ id: 1, uuid: 'ord_1' }]);
  });
});

describe('inspector: Host and Origin', () => {
  it('answers only its own loopback Host (no DNS rebinding), on every path', async () => {
    const { url, port } = await inspector();
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, 'rebound.attacker.test', `127.0.0.2:${port}`]) {
      expect((await send(url, '/api/events', { headers: { host } })).status, host).toBe(403);
      expect((await send(url, '/', { headers: { host } })).status, host).toBe(403);
      expect((await send(url, '/batch', { headers: { host }, body: JSON.stringify({ batch: [{ event: 'checkout.start', distinct_id: 'u' }] }) })).status, host).toBe(403);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`]) {
      expect((await send(url, '/api/events', { headers: { host } })).status, host).toBe(200);
      expect((await send(url, '/webhook', { headers: { host }, body: webhookBody(checkout(`ord_${host}`)) })).status, host).toBe(200);
    }
  });

  it('lets any page send to the capture paths (with credentials: sendBeacon always sends them)', async () => {
    const { url, events } = await inspector();
    const origin = 'http://localhost:3000';
    const preflight = await send(url, '/batch/', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', 'access-control-allow-headers': 'content-type', vary: 'origin' });
    for (const path of ['/batch/', '/e/', '/i/v0/e/', '/capture/']) {
      const sent = await send(url, path, { headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ batch: [{ event: 'checkout.start', distinct_id: 'u', properties: { order_id: path } }] }) });
      expect(sent.status, path).toBe(200);
      expect(sent.headers['access-control-allow-origin'], path).toBe(origin);
    }
    expect((await send(url, '/webhook', { headers: { origin }, body: webhookBody(checkout('ord_w')) })).headers['access-control-allow-origin']).toBe(origin);
    const flags = await send(url, '/flags/?v=2', { headers: { origin }, body: '{}' });
    expect([flags.status, flags.headers['access-control-allow-origin']]).toEqual([200, origin]);
    expect((await send(url, '/batch', { body: '[]' })).headers['access-control-allow-origin']).toBe('*');
    expect(events()).toHaveLength(5);
  });

  it('lets only its own origin read what it captured', async () => {
    const { url, port } = await inspector();
    await send(url, '/webhook', { body: webhookBody(checkout('ord_secret')) });
    for (const origin of ['http://localhost:3000', 'https://evil.example', 'null', `http://127.0.0.1:${port + 1}`]) {
      for (const path of ['/', '/api/events', '/api/stream']) {
        const answer = await send(url, path, { headers: { origin } });
        expect(answer.status, `${origin} ${path}`).toBe(403);
        expect(answer.text).not.toContain('ord_secret');
        expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      }
      expect((await send(url, '/api/events', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } })).status).toBe(403);
    }
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, undefined]) {
      const answer = await send(url, '/api/events', { headers: origin ? { origin } : {} });
      expect(answer.status, origin).toBe(200);
      expect(answer.text).toContain('ord_secret');
      expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });
});

describe('inspector: bounded memory', () => {
  const limit = 64 * 1024;
  /** A webhook body of exactly `bytes` bytes. */
  const bodyOf = (bytes: number) => {
    const empty = webhookBody(checkout('ord_pad', { pad: '' }));
    return webhookBody(checkout('ord_pad', { pad: 'x'.repeat(bytes - empty.length) }));
  };

  it('answers 413 to a body past the limit, with or without content-length, and keeps none of it', async () => {
    const { url, events } = await inspector({ maxBodyBytes: limit });
    expect((await send(url, '/webhook', { body: bodyOf(limit + 1) })).status).toBe(413);
    const chunked = bodyOf(limit * 4);
    const pieces = Array.from({ length: 8 }, (_, i) => Buffer.from(chunked.slice((i * chunked.length) / 8, ((i + 1) * chunked.length) / 8)));
    const answer = await send(url, '/webhook', { headers: { 'transfer-encoding': 'chunked' }, body: pieces });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text).error).toMatch(/\[trackplan\] \[inspector\] .*larger than 65536 bytes/);
    expect(events()).toEqual([]);
  });

  it('closes the connection of a sender that goes on sending after its 413; one that stops keeps it', async () => {
    const { url, port } = await inspector({ maxBodyBytes: limit });
    const endless = connect(port, '127.0.0.1');
    let answer = '';
    let closed = false;
    endless.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    endless.on('close', () => (closed = true));
    endless.on('error', () => {});
    endless.write(`POST /webhook HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const sending = setInterval(() => endless.writable && endless.write(`10000\r\n${'x'.repeat(0x10000)}\r\n`), 5);
    try {
      await waitFor(() => answer.startsWith('HTTP/1.1 413'), 'the 413');
      await waitFor(() => closed, 'the inspector to close the connection');
    } finally {
      clearInterval(sending);
    }
    // A sender that finishes its (refused) body keeps its keep-alive connection for the next request.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string) =>
      new Promise<[number, boolean]>((resolve, reject) => {
        const req = request(`${url}/webhook`, { method: 'POST', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve([res.statusCode ?? 0, req.reusedSocket]));
        });
        req.on('error', reject);
        req.end(body);
      });
    expect(await post(bodyOf(limit * 2))).toEqual([413, false]);
    expect(await post(webhookBody(checkout('ord_after')))).toEqual([200, true]);
    agent.destroy();
  });

  it('accepts a body at the limit', async () => {
    const { url, events } = await inspector({ maxBodyBytes: limit });
    expect(Buffer.byteLength(bodyOf(limit))).toBe(limit);
    expect((await send(url, '/webhook', { body: bodyOf(limit) })).status).toBe(200);
    expect(events()).toHaveLength(1);
  });

  it('stops decompressing a gzip bomb at the limit (413), and still reads gzip that fits', async () => {
    const { url, events } = await inspector({ maxBodyBytes: limit });
    const bomb = gzipSync(Buffer.alloc(16 * 1024 * 1024, ' '));
    expect(bomb.length).toBeLessThan(limit);
    const started = Date.now();
    expect((await send(url, '/batch', { body: bomb })).status).toBe(413);
    expect((await send(url, '/e', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `data=${encodeURIComponent(bomb.toString('base64'))}` })).status).toBe(413);
    expect(Date.now() - started).toBeLessThan(2000);
    const fits = gzipSync(JSON.stringify({ batch: [{ event: 'checkout.start', distinct_id: 'u', properties: { order_id: 'o', pad: ' '.repeat(limit / 2) } }] }));
    expect((await send(url, '/batch', { body: fits })).status).toBe(200);
    expect(events()).toHaveLength(1);
  });

  it('keeps events bounded by bytes as well as by count, newest first to stay', async () => {
    const byBytes = await inspector({ keepBytes: 20_000 });
    for (let i = 0; i < 10; i++) await send(byBytes.url, '/webhook', { body: webhookBody(checkout(`ord_${i}`, { pad: 'x'.repeat(5000) })) });
    const kept = byBytes.events();
    expect(kept.map((e) => e.uuid)).toEqual(['ord_7', 'ord_8', 'ord_9']);
    expect(Buffer.byteLength((await send(byBytes.url, '/api/events')).text)).toBeLessThanOrEqual(20_000 + kept.length + 1);

    const byCount = await inspector({ keep: 3 });
    for (let i = 0; i < 5; i++) await send(byCount.url, '/webhook', { body: webhookBody(checkout(`ord_${i}`)) });
    expect(byCount.events().map((e) => e.uuid)).toEqual(['ord_2', 'ord_3', 'ord_4']);

    const roomy = await inspector({ keep: 10, keepBytes: 1_000_000 });
    for (let i = 0; i < 10; i++) await send(roomy.url, '/webhook', { body: webhookBody(checkout(`ord_${i}`, { pad: 'x'.repeat(5000) })) });
    expect(roomy.events()).toHaveLength(10);
  });

  it('refuses limits that are not positive integers', async () => {
    for (const bad of [{ keep: Number.NaN }, { keep: 0 }, { keepBytes: -1 }, { maxBodyBytes: 1.5 }, { maxStreamBacklogBytes: 0 }, { port: 70000 }])
      await expect(startInspector({ catalogs: [storefront], port: 0, ...bad }), JSON.stringify(bad)).rejects.toThrow(/\[trackplan\] \[inspector\] \w+ must be/);
  });

  it('drops a live page that stops reading once its backlog passes the bound; a page that reads gets everything', async () => {
    const { url, port } = await inspector({ maxStreamBacklogBytes: 1024 * 1024 });
    // The stalled page: asks for the stream, then reads nothing.
    const stalled = connect(port, '127.0.0.1');
    stalled.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    await new Promise((resolve) => stalled.once('data', resolve));
    stalled.pause();
    let stalledClosed = false;
    stalled.on('close', () => (stalledClosed = true));
    // The reading page.
    let received = 0;
    let tail = '';
    let readerClosed = false;
    let readerConnected = false;
    const reader = request(`${url}/api/stream`, (res) => {
      readerConnected = true;
      res.on('data', (chunk: Buffer) => {
        // Each event follows a blank line; the tail is one character shorter than the marker.
        const text = tail + chunk.toString('latin1');
        received += text.split('\n\ndata: ').length - 1;
        tail = text.slice(-7);
      });
      res.on('close', () => (readerClosed = true));
    });
    reader.end();
    await waitFor(() => readerConnected, 'the reading page to connect');
    // 60 events of 256 KiB, two a request (a burst below the bound): past the bound and past what
    // the kernel buffers for the stalled socket.
    const pad = 'x'.repeat(256 * 1024);
    for (let i = 0; i < 30; i++) {
      const batch = [checkout(`ord_${i * 2}`, { pad }), checkout(`ord_${i * 2 + 1}`, { pad })];
      expect((await send(url, '/webhook', { body: webhookBody(...batch) })).status).toBe(200);
    }
    await waitFor(() => received >= 60, () => `the reading page to receive all 60 events (has ${received}, closed: ${readerClosed})`);
    stalled.resume();
    await waitFor(() => stalledClosed, 'the inspector to close the stalled stream');
    expect(readerClosed).toBe(false);
    reader.destroy();
  });
});

describe('trackplan inspect: limits are usage errors when malformed', () => {
  it.each([
    [['--keep', 'abc'], /--keep must be a whole number/],
    [['--keep', '0'], /--keep must be a whole number from 1/],
    [['--port', '99999'], /--port must be a whole number from 0 to 65535/],
    [['--keep-mb', '-1'], /--keep-mb must be a positive number/],
    [['--body-limit-mb', 'lots'], /--body-limit-mb must be a positive number/],
    [['--keep'], /--keep needs a value/],
  ])('%j exits 2', async (flags, message) => {
    const err: string[] = [];
    const code = await main(['inspect', '--catalog', 'schema/storefront.ts', '--port', '0', ...flags], { out: () => {}, err: (text) => err.push(text), cwd: process.cwd() });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });
});

describe('trackplan inspect: one process through hostile traffic', () => {
  /** Peak resident memory of a process, from Linux's /proc. */
  const peakRssMb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

  it.skipIf(!existsSync('/proc/self/status'))('stays up and under 300 MB: deep body, stalled live page, 50 MB and 20 MB bodies, a gzip bomb, big events', async () => {
    const child = spawn(process.execPath, ['dist/cli/index.js', 'inspect', '--catalog', 'schema/storefront.ts', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let exit: string | undefined;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => (exit = `exited with ${code ?? signal}: ${stderr.slice(-500)}`));
    try {
      await waitFor(() => /on http:\/\/127\.0\.0\.1:\d+/.test(stderr) || exit !== undefined, 'the inspector to start', 15_000);
      expect(exit).toBeUndefined();
      const url = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1];
      const port = Number(new URL(url).port);

      const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
      expect((await send(url, '/webhook', { body: `{"events":[{"event_name":"checkout.start","deep":${deep}}]}` })).status).toBe(400);
      expect((await send(url, '/api/events')).status).toBe(200);

      const stalled = connect(port, '127.0.0.1');
      stalled.on('error', () => {});
      stalled.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      await new Promise((resolve) => stalled.once('data', resolve));
      stalled.pause();

      const big = Buffer.alloc(50 * 1024 * 1024, 'x');
      expect((await send(url, '/webhook', { body: big })).status).toBe(413);
      for (let i = 0; i < 20; i++) expect((await send(url, '/webhook', { body: big.subarray(0, 20 * 1024 * 1024) })).status).toBe(413);
      // 64 gzip members of 16 MiB of zeros: 1 MiB that would inflate to 1 GiB.
      const bomb = Buffer.concat(Array(64).fill(gzipSync(Buffer.alloc(16 * 1024 * 1024))));
      const bombSent = Date.now();
      expect((await send(url, '/batch', { body: bomb })).status).toBe(413);
      expect(Date.now() - bombSent).toBeLessThan(1000);

      // 25 events of 4 MB each: accepted; the kept ones stay under 32 MiB; the stalled page is let go.
      const pad = 'x'.repeat(4_000_000);
      for (let i = 0; i < 25; i++) expect((await send(url, '/webhook', { body: webhookBody(checkout(`ord_${i}`, { pad })) })).status).toBe(200);
      const kept = await send(url, '/api/events');
      expect(Buffer.byteLength(kept.text)).toBeLessThanOrEqual(32 * 1024 * 1024 + 100);
      expect(JSON.parse(kept.text).at(-1).uuid).toBe('ord_24');
      let stalledClosed = false;
      stalled.on('close', () => (stalledClosed = true));
      stalled.resume();
      await waitFor(() => stalledClosed, 'the inspector to drop the stalled live page');

      expect(exit).toBeUndefined();
      const peak = peakRssMb(child.pid!);
      expect(peak, 'peak RSS of the inspector process, MB').toBeLessThan(300);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);
});
