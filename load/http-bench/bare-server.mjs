/**
 * The baseline of `npm run bench:http`: a bare node:http server on loopback answering every
 * request with the body and content type given in BARE_BODY / BARE_CONTENT_TYPE (the runtime's
 * own /api/health answer). Prints its port on stdout; stops on SIGTERM or when its parent goes.
 */
import http from 'node:http';

const body = Buffer.from(process.env.BARE_BODY ?? '{}');
const type = process.env.BARE_CONTENT_TYPE ?? 'application/json';
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': type, 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
