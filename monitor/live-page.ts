// The live page at GET /: one self-contained HTML page that polls /status.json every second and
// draws it with uPlot, which the same server serves from node_modules (no CDN: the machines may be
// offline). Loss and accuracy per step and per epoch, images/s in total and per worker, exchange
// time per step, and the workers' table (each one's share of the batch and the rate it is sized by).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** uPlot's browser build and stylesheet, read once. */
export function uplotAssets(): { js: string; css: string } {
  const dist = dirname(require.resolve('uplot/dist/uPlot.iife.min.js'));
  return { js: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'), css: readFileSync(join(dist, 'uPlot.min.css'), 'utf8') };
}

export const LIVE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>syncgrad — live</title>
<link rel="stylesheet" href="/assets/uPlot.min.css">
<script src="/assets/uPlot.iife.min.js"></script>
<style>
  body { font-family: system-ui, sans-serif; margin: 16px; color: #222; }
  h1 { font-size: 18px; margin: 0 0 4px; }
  #summary { margin: 0 0 12px; color: #555; }
  .grid { display: grid; grid-template-columns: repeat(2, 620px); gap: 12px; }
  .card { border: 1px solid #ddd; border-radius: 6px; padding: 8px; }
  .card h2 { font-size: 14px; margin: 0 0 4px; }
  table { border-collapse: collapse; margin-top: 12px; }
  td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: right; font-variant-numeric: tabular-nums; }
  th { background: #f4f4f4; }
</style>
</head>
<body>
<h1 id="title">syncgrad</h1>
<p id="summary">waiting for the first step…</p>
<div class="grid">
  <div class="card"><h2>loss per step</h2><div id="c-loss"></div></div>
  <div class="card"><h2>accuracy per epoch (train, validation)</h2><div id="c-acc"></div></div>
  <div class="card"><h2>images/s per step</h2><div id="c-ips"></div></div>
  <div class="card"><h2>exchange seconds per step</h2><div id="c-exchange"></div></div>
</div>
<table id="workers"><thead><tr><th>rank</th><th>host</th><th>backend</th><th>share</th><th>shard</th><th>est. img/s</th><th>last img/s</th><th>images</th><th>last seen</th></tr></thead><tbody></tbody></table>
<script>
const W = 600, H = 220;
const mk = (id, series, xLabel) => new uPlot({ width: W, height: H, scales: { x: { time: false } }, axes: [{ label: xLabel }, {}], series: [{ label: xLabel }, ...series] }, [[], ...series.map(() => [])], document.getElementById(id));
const charts = {
  loss: mk('c-loss', [{ label: 'loss', stroke: '#d62728' }], 'step'),
  acc: mk('c-acc', [{ label: 'train', stroke: '#1f77b4', points: { show: true } }, { label: 'validation', stroke: '#2ca02c', points: { show: true } }], 'epoch'),
  ips: mk('c-ips', [{ label: 'img/s', stroke: '#9467bd' }], 'step'),
  exchange: mk('c-exchange', [{ label: 'exchange s', stroke: '#ff7f0e' }, { label: 'compute s', stroke: '#8c564b' }], 'step'),
};
window.syncgradCharts = charts;
const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '—' : Number(x).toFixed(d));
async function refresh() {
  let s;
  try { s = await (await fetch('/status.json', { cache: 'no-store' })).json(); } catch { return; }
  document.getElementById('title').textContent = 'syncgrad — ' + s.job + ' (' + s.kind + ')';
  document.getElementById('summary').textContent = 'epoch ' + s.epoch + '/' + s.epochs + ', step ' + s.step + ' (' + s.stepsPerEpoch + ' per epoch), loss ' + fmt(s.loss, 4) + ', ' + fmt(s.imagesPerSecond, 1) + ' img/s' + (s.testAccuracy !== null ? ', test accuracy ' + fmt(100 * s.testAccuracy, 2) + '%, FPS ' + fmt(s.fps, 1) : '') + (s.finished ? ' — finished' : '');
  const st = s.steps.map((p) => p.step);
  charts.loss.setData([st, s.steps.map((p) => p.loss)]);
  charts.ips.setData([st, s.steps.map((p) => p.imagesPerSecond)]);
  charts.exchange.setData([st, s.steps.map((p) => p.exchangeSeconds), s.steps.map((p) => p.computeSeconds)]);
  charts.acc.setData([s.history.map((e) => e.epoch), s.history.map((e) => e.trainAccuracy), s.history.map((e) => e.valAccuracy)]);
  const body = document.querySelector('#workers tbody');
  body.innerHTML = '';
  for (const w of s.workers) {
    const tr = document.createElement('tr');
    const share = fmt(100 * w.share, 1) + '%' + (w.slow ? ' (slow)' : '');
    for (const v of [w.rank, w.host, w.backend, share, w.shard, w.rate === null ? 'warming up' : fmt(w.rate, 1), fmt(w.imagesPerSecond, 1), w.images, fmt((Date.now() - w.lastSeen) / 1000, 1) + ' s ago']) {
      const td = document.createElement('td');
      td.textContent = String(v);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
