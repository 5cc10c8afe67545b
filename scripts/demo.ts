// `npm run demo`: the product's main job, told as a story. Chapters are added as the product grows.
import { chapters } from '../lab/demo/chapters.js';

for (const chapter of chapters) {
  console.log(`\n━━ ${chapter.title} ━━\n`);
  await chapter.run();
}
