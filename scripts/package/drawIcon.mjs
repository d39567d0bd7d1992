// Draws the marketplace icon media/icon.png (256×256) from scripts/package/icon.svg.
// The PNG is committed; rerun this (npm run icon) after editing the SVG.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const source = join(root, 'scripts/package/icon.svg');
const target = join(root, 'media/icon.png');

// density 72 renders the SVG's 256 user units as 256 pixels.
const info = await sharp(source, { density: 72 })
  .resize(256, 256)
  .png({ compressionLevel: 9 })
  .toFile(target);
console.log(`icon: ${target} (${info.width}×${info.height}, ${info.size} bytes)`);
