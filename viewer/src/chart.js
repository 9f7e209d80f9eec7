// A tiny line chart of a point's recent history on a canvas (no library).

const WIDTH = 260;
const HEIGHT = 80;
const PAD = 4;

/** A canvas drawing `samples` ([{ts, value}]) with the min/max written on it. */
export function historyChart(samples, { unit = '', colour = '#1f6fb2' } = {}) {
  const canvas = document.createElement('canvas');
  const ratio = window.devicePixelRatio || 1;
  canvas.width = WIDTH * ratio;
  canvas.height = HEIGHT * ratio;
  canvas.style.width = `${WIDTH}px`;
  canvas.style.height = `${HEIGHT}px`;
  canvas.className = 'chart';
  const ctx = canvas.getContext('2d');
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#f7f8fa';
  ctx.fillRect(0, 0, WIDTH, HEIGHT);
  const points = samples
    .map((s) => ({ t: Date.parse(s.ts), v: typeof s.value === 'boolean' ? Number(s.value) : Number(s.value) }))
    .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.v));
  if (points.length < 2) return canvas;
  const t0 = points[0].t;
  const t1 = points[points.length - 1].t || t0 + 1;
  let lo = Math.min(...points.map((p) => p.v));
  let hi = Math.max(...points.map((p) => p.v));
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const x = (t) => PAD + ((t - t0) / Math.max(t1 - t0, 1)) * (WIDTH - 2 * PAD);
  const y = (v) => HEIGHT - PAD - ((v - lo) / (hi - lo)) * (HEIGHT - 2 * PAD - 12);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  points.forEach((p, i) => (i ? ctx.lineTo(x(p.t), y(p.v)) : ctx.moveTo(x(p.t), y(p.v))));
  ctx.stroke();
  ctx.fillStyle = '#555';
  ctx.font = '10px sans-serif';
  ctx.fillText(`${fmt(hi)} ${unit}`.trim(), PAD, 10);
  ctx.fillText(`${fmt(lo)} ${unit}`.trim(), WIDTH / 2, 10);
  return canvas;
}

function fmt(value) {
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}
