// Writes the app icons into pwa/public/icons/ (committed; rerun only to change the artwork).
// Usage: node pwa/scripts/make-icons.mjs
// No image libraries: a bell is drawn as a coverage test per pixel (4×4 supersampled) and encoded as PNG with zlib.
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OUT = fileURLToPath(new URL('../public/icons/', import.meta.url));
const BRAND = [0xc6, 0x28, 0x28]; // #c62828, the manifest theme_color
const INK = [0xff, 0xff, 0xff];

/** True when (x, y) in unit coordinates (0..1, y down) is inside the bell, drawn at `scale` about the centre. */
function inBell(x, y, scale) {
  const u = (x - 0.5) / scale + 0.5;
  const v = (y - 0.5) / scale + 0.5;
  const dx = u - 0.5;
  if (dx * dx + (v - 0.18) ** 2 <= 0.045 ** 2) return true; // hanger
  if (v >= 0.2 && v <= 0.38 && dx * dx + (v - 0.38) ** 2 <= 0.18 ** 2) return true; // dome
  if (v >= 0.38 && v <= 0.66) {
    const t = (v - 0.38) / 0.28;
    if (Math.abs(dx) <= 0.18 + 0.1 * t * t) return true; // flaring waist
  }
  if (v >= 0.64 && v <= 0.71) {
    const r = 0.035; // rim: a capsule
    const cx = Math.max(0.5 - 0.3 + r, Math.min(0.5 + 0.3 - r, u));
    if ((u - cx) ** 2 + (v - 0.675) ** 2 <= r * r) return true;
  }
  return dx * dx + (v - 0.78) ** 2 <= 0.065 ** 2; // clapper
}

/** True when inside a rounded square covering the whole icon (corner radius as a fraction of the size). */
function inRoundedSquare(x, y, radius) {
  const cx = Math.max(radius, Math.min(1 - radius, x));
  const cy = Math.max(radius, Math.min(1 - radius, y));
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
}

function render(size, { maskable }) {
  const S = 4;
  const px = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let pxl = 0; pxl < size; pxl++) {
      let bg = 0;
      let ink = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (pxl + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          // Maskable icons are full-bleed with the bell inside the 80% safe zone; "any" icons are a rounded tile.
          if (!maskable && !inRoundedSquare(x, y, 0.22)) continue;
          bg++;
          if (inBell(x, y, maskable ? 0.62 : 0.82)) ink++;
        }
      }
      const o = (py * size + pxl) * 4;
      const cover = bg / (S * S);
      const mix = bg ? ink / bg : 0;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(BRAND[c] * (1 - mix) + INK[c] * mix);
      px[o + 3] = Math.round(cover * 255);
    }
  }
  return encodePng(size, size, px);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++)
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<rect width="100" height="100" rx="22" fill="#c62828"/>
<g fill="#fff" transform="translate(50 50) scale(.82) translate(-50 -50)">
<circle cx="50" cy="18" r="4.5"/>
<path d="M32 38a18 18 0 0 1 36 0c.4 7 3.5 16 10 28H22c6.5-12 9.6-21 10-28z"/>
<rect x="20" y="64" width="60" height="7" rx="3.5"/>
<circle cx="50" cy="78" r="6.5"/>
</g>
</svg>
`;

mkdirSync(OUT, { recursive: true });
writeFileSync(OUT + 'icon-192.png', render(192, { maskable: false }));
writeFileSync(OUT + 'icon-512.png', render(512, { maskable: false }));
writeFileSync(OUT + 'icon-maskable-512.png', render(512, { maskable: true }));
writeFileSync(OUT + 'apple-touch-icon-180.png', render(180, { maskable: true }));
writeFileSync(OUT + 'icon.svg', SVG);
console.log('icons written to', OUT);
