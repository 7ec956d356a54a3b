// A reference HTTP server with no Nest, no database and no application code:
// how fast this machine answers the bench's withdraw request on the bare
// frameworks. `node bench/ceiling/reference-server.js <node|express> <port>`.
// It answers POST /accounts/:n/withdraw with a body the size of the real one.
'use strict';
const http = require('node:http');

const [kind, port] = process.argv.slice(2);
const answer = {
  accountNumber: '10001',
  holderName: 'Bench Holder',
  balance: '999999.99',
  currency: 'EUR',
  status: 'active',
  transactionId: 123456,
};

if (kind === 'node') {
  // Node's own HTTP server: read the body, JSON.parse it, JSON.stringify the answer.
  http
    .createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const body = JSON.stringify(answer);
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    })
    .listen(Number(port), '127.0.0.1');
} else if (kind === 'express') {
  // Express 5 as @nestjs/platform-express ships it and src/app.setup.ts sets it
  // up: express.json() and res.json(), no X-Powered-By, no ETag.
  const express = require('express');
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json());
  app.post('/accounts/:n/withdraw', (_req, res) => res.json(answer));
  app.listen(Number(port), '127.0.0.1');
} else {
  process.stderr.write(`unknown reference server ${kind}\n`);
  process.exit(2);
}
