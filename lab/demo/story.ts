// The demo's story: each chapter tells one part in plain words; later features add chapters.
import { rmSync } from 'node:fs';
import { chapters, type DemoContext } from './chapters.js';

const context: DemoContext = { files: {}, tasks: {}, cleanup: [] };
let failed = false;
try {
  for (const chapter of chapters) {
    console.log(`\n━━ ${chapter.title} ━━\n`);
    await chapter.run(context);
  }
} catch (error) {
  failed = true;
  console.error(`\nThe demo stopped: ${(error as Error).message}`);
} finally {
  console.log('\n━━ Cleaning up ━━\n');
  await context.app?.stop();
  await context.lab?.stop();
  for (const dir of context.cleanup) rmSync(dir, { recursive: true, force: true });
  console.log('Every lab process is stopped and its directory removed.');
}
process.exitCode = failed ? 1 : 0;
