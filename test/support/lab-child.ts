// Starts a small lab, prints its PIDs and directory as one JSON line, then waits to be killed.
import { startLab } from '../../lab/lab.js';

const lab = await startLab({ components: ['redis', 'haproxy'], instancesPerDc: 1 });
process.stdout.write(`${JSON.stringify({ pids: lab.pids(), dir: lab.dir })}\n`);
setInterval(() => undefined, 1000);
