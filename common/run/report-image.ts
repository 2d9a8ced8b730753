// report.png: loss and accuracy curves per epoch and the test confusion matrix, drawn as SVG and
// rasterised by sharp, so a run can be judged at a glance without Grafana.
import sharp from 'sharp';
import type { TrainReport } from './report.js';
import { writeFileAtomic } from '../atomic-write.js';

const W = 1200;
const H = 460;
const PAD = 50;
const COLORS = { train: '#1f77b4', val: '#ff7f0e', test: '#2ca02c', grid: '#dddddd', text: '#222222' };

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

interface Series {
  name: string;
  color: string;
  values: number[];
}

/** A line chart of `series` over epochs in the box (x, y, w, h). */
function chart(x: number, y: number, w: number, h: number, title: string, series: Series[], yMax?: number): string {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const top = yMax ?? Math.max(1e-9, ...all) * 1.05;
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const px = (i: number) => x + (n === 1 ? w / 2 : (i * w) / (n - 1));
  const py = (v: number) => y + h - (Math.max(0, Math.min(v, top)) / top) * h;
  const parts: string[] = [`<text x="${x + w / 2}" y="${y - 18}" font-size="18" text-anchor="middle" fill="${COLORS.text}">${esc(title)}</text>`];
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    parts.push(`<line x1="${x}" y1="${py(v)}" x2="${x + w}" y2="${py(v)}" stroke="${COLORS.grid}"/>`);
    parts.push(`<text x="${x - 6}" y="${py(v) + 4}" font-size="12" text-anchor="end" fill="${COLORS.text}">${v.toFixed(top <= 1.05 ? 2 : 2)}</text>`);
  }
  for (let i = 0; i < n; i++) parts.push(`<text x="${px(i)}" y="${y + h + 16}" font-size="12" text-anchor="middle" fill="${COLORS.text}">${i + 1}</text>`);
  parts.push(`<text x="${x + w / 2}" y="${y + h + 34}" font-size="13" text-anchor="middle" fill="${COLORS.text}">epoch</text>`);
  // The legend sits in a row under the axis: inside the plot it covered the curves, since
  // accuracy starts high on easy data and loss ends low.
  let lx = x;
  series.forEach((s) => {
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${px(i).toFixed(1)},${py(v).toFixed(1)}` : '')).filter(Boolean);
    if (pts.length > 1) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2.5" points="${pts.join(' ')}"/>`);
    for (const p of pts) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3.5" fill="${s.color}"/>`);
    parts.push(
      `<rect x="${lx}" y="${y + h + 50}" width="14" height="4" fill="${s.color}"/><text x="${lx + 20}" y="${y + h + 56}" font-size="13" fill="${COLORS.text}">${esc(s.name)}</text>`,
    );
    lx += 34 + 7.5 * s.name.length;
  });
  return parts.join('');
}

function confusionMatrix(x: number, y: number, size: number, classes: string[], m: number[][]): string {
  const k = classes.length;
  const cell = size / Math.max(1, k);
  const parts = [
    `<text x="${x + size / 2}" y="${y - 18}" font-size="15" text-anchor="middle" fill="${COLORS.text}">test confusion (row: true, column: predicted)</text>`,
  ];
  m.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    row.forEach((v, j) => {
      const share = v / total;
      const shade = Math.round(255 - 200 * share);
      const fill = i === j ? `rgb(${shade},${Math.round(255 - 120 * share)},${shade})` : `rgb(255,${shade},${shade})`;
      parts.push(`<rect x="${x + j * cell}" y="${y + i * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ffffff"/>`);
      parts.push(
        `<text x="${x + (j + 0.5) * cell}" y="${y + (i + 0.5) * cell + 5}" font-size="${Math.min(16, cell / 3)}" text-anchor="middle" fill="${COLORS.text}">${v}</text>`,
      );
    });
  });
  classes.forEach((c, i) => {
    parts.push(`<text x="${x - 6}" y="${y + (i + 0.5) * cell + 4}" font-size="12" text-anchor="end" fill="${COLORS.text}">${esc(c.slice(0, 12))}</text>`);
    parts.push(`<text x="${x + (i + 0.5) * cell}" y="${y + size + 16}" font-size="12" text-anchor="middle" fill="${COLORS.text}">${esc(c.slice(0, 8))}</text>`);
  });
  return parts.join('');
}

export function reportSvg(r: TrainReport): string {
  const e = r.epochs;
  const cw = 330;
  const ch = 280;
  const top = PAD + 40;
  const body = [
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${PAD - 20}" y="30" font-size="20" fill="${COLORS.text}">${esc(`syncgrad · ${r.backend} · ${r.params.toLocaleString('en-US')} params · test accuracy ${(100 * r.testAccuracy).toFixed(2)}% · ${r.fps.toFixed(1)} FPS`)}</text>`,
    chart(PAD + 20, top, cw, ch, 'loss', [
      { name: 'train', color: COLORS.train, values: e.map((x) => x.trainLoss) },
      { name: 'val', color: COLORS.val, values: e.map((x) => x.valLoss) },
    ]),
    chart(
      PAD + 60 + cw + 20,
      top,
      cw,
      ch,
      'accuracy',
      [
        { name: 'train', color: COLORS.train, values: e.map((x) => x.trainAccuracy) },
        { name: 'val', color: COLORS.val, values: e.map((x) => x.valAccuracy) },
        {
          name: `test (final) ${(100 * r.testAccuracy).toFixed(1)}%`,
          color: COLORS.test,
          values: e.map((_, i) => (i === e.length - 1 ? r.testAccuracy : Number.NaN)),
        },
      ],
      1,
    ),
    confusionMatrix(W - 320 - 20, top, 300, r.classes, r.confusion.length ? r.confusion : r.classes.map(() => r.classes.map(() => 0))),
  ];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, Arial, sans-serif">${body.join('')}</svg>`;
}

export async function writeReportImage(path: string, r: TrainReport): Promise<void> {
  await writeFileAtomic(
    path,
    await sharp(Buffer.from(reportSvg(r)))
      .png()
      .toBuffer(),
  );
}
