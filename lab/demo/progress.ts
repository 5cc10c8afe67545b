/** A progress line for slow steps: a spinner on a terminal, plain lines elsewhere (CI, pipes). */
const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export async function withProgress<T>(label: string, work: (note: (event: string) => void) => Promise<T>): Promise<T> {
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
  const tty = process.stdout.isTTY;
  let frame = 0;
  const timer = tty
    ? setInterval(() => process.stdout.write(`\r${frames[frame++ % frames.length]} ${label} ${elapsed()}`), 100)
    : undefined;
  if (!tty) console.log(`… ${label}`);
  const note = (event: string) => {
    if (tty) process.stdout.write('\r\x1b[2K');
    console.log(`  ✓ ${event} (${elapsed()})`);
  };
  try {
    return await work(note);
  } finally {
    if (timer) {
      clearInterval(timer);
      process.stdout.write('\r\x1b[2K');
    }
  }
}
