// Starts a small lab, prints its PIDs and directory as one JSON line, then waits to be killed.
import { startLab } from '../../lab/lab.js';
import { defaultLabService } from '../../lab/service-shape.js';

const lab = await startLab({ components: ['redis', 'haproxy'], service: defaultLabService(undefined, 1) });
process.stdout.write(`${JSON.stringify({ pids: lab.pids(), dir: lab.dir })}\n`);
setInterval(() => undefined, 1000);
