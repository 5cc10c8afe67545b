// The lab's watchdog: started detached by the lab, it stops the lab's processes (by the PIDs the lab
// recorded) and removes its directory when the parent process dies without doing so itself.
// Usage: node watchdog.js <parent pid> <lab dir>
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const [parent, dir] = [Number(process.argv[2]), process.argv[3]];
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const pids = () => {
  try {
    return readFileSync(join(dir, 'pids'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const kill = (sig) => {
  for (const pid of pids()) {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
};

const timer = setInterval(() => {
  if (alive(parent)) return;
  clearInterval(timer);
  kill('SIGTERM');
  setTimeout(() => {
    kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }, 3000);
}, 500);
process.on('SIGTERM', () => process.exit(0));
