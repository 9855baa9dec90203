/** The baseline: a bare Node http server answering 200 with an empty body, on the port in argv. */
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
createServer((_req, res) => {
  res.statusCode = 200;
  res.end();
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
