// The demo's story: each chapter tells one part in plain words; later features add chapters.
import type { DemoContext } from './chapter.js';
import { selectChapters } from './chapters.js';

const context: DemoContext = { files: {}, tasks: {} };
let failed = false;
try {
  for (const chapter of selectChapters(process.argv.slice(2))) {
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
  console.log('Every lab process is stopped and its directory removed.');
}
process.exitCode = failed ? 1 : 0;
