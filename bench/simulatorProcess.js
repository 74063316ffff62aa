// One simulated cluster in its own process, driven over a small control listener of its own (not
// part of the simulator in src/): `node bench/simulatorProcess.js <name> <latencyMs> <streams>`.
// Prints `simulator <url> control <url>`. Control (loopback only):
//   GET  /clock                       this process's clock: performance.timeOrigin + now(), ms
//   GET  /watches                     open watch connections
//   POST /move?stream=S&tag=T         moves tag T of bench/S to a new image; answers the digest,
//                                     the clock just before moveTag (t0) and just after (t1)
// moveTag writes the watch event to every watcher's socket before it returns, so t0 is when
// the upstream change happens and t1 − t0 is the simulator's own part.
import http from 'node:http';
import { createSimulator } from '../dist/simulator/createSimulator.js';

const [name = 'c0', latencyMs = '5', streams = '10'] = process.argv.slice(2);
const clock = () => performance.timeOrigin + performance.now();
const sim = await createSimulator({
  name,
  latencyMs: Number(latencyMs),
  seedOptions: { benchStreams: Number(streams), benchImagesPerStream: 3 },
  maxRecords: 1000,
});
const json = (res, body) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const control = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://control');
  if (url.pathname === '/clock') return json(res, { now: clock() });
  if (url.pathname === '/watches') return json(res, { open: sim.watches.open });
  if (url.pathname === '/move' && req.method === 'POST') {
    const t0 = clock();
    const digest = sim.changes.moveTag(
      'bench',
      url.searchParams.get('stream') ?? '',
      url.searchParams.get('tag') ?? '',
    );
    const t1 = clock();
    return json(res, { digest, t0, t1 });
  }
  res.writeHead(404).end();
});
control.keepAliveTimeout = 60_000;
await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));
process.stdout.write(`simulator ${sim.url} control http://127.0.0.1:${control.address().port}\n`);
process.on('SIGTERM', () => {
  control.close();
  void sim.close().then(() => process.exit(0));
});
