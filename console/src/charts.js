// Hand-drawn SVG charts (no inline styles: colours come from classes in app.css).
const SVG = 'http://www.w3.org/2000/svg';

/**
 * The SVG path of a series of { x, y } points scaled into a width × height box (y grows
 * upwards), given the x and y domains. Points outside the x domain are left out.
 */
export function linePath(points, { width, height, x0, x1, y0 = 0, y1 }) {
  const dx = x1 - x0 || 1;
  const dy = y1 - y0 || 1;
  let d = '';
  for (const p of points) {
    if (p.x < x0 || p.x > x1) continue;
    const x = ((p.x - x0) / dx) * width;
    const y = height - ((Math.min(Math.max(p.y, y0), y1) - y0) / dy) * height;
    d += `${d ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)}`;
  }
  return d;
}

/** A round upper bound for a y axis: 1, 2, 5, 10, 20, 50... at least the largest value. */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** A chart's width in user units: its box's width in CSS pixels (so text keeps its size), 320 to 1200. */
export function chartWidth(box) {
  const w = box?.clientWidth || 0;
  return w > 0 ? Math.max(320, Math.min(1200, Math.round(w))) : 640;
}

function el(name, attrs = {}, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  return e;
}

/**
 * A line chart: series [{ name, className, points: [{x, y}] }] over [x0, x1]; y from 0 to yMax.
 * xLabel(x) and yLabel(y) format the axis ends; integerTicks leaves out a middle tick that is not a whole number. Returns an <svg> with a <title> for screen readers.
 */
export function lineChart({ title, series, x0, x1, yMax, xLabel, yLabel, integerTicks = false, width = 640, height = 200 }) {
  const pad = { left: 44, right: 8, top: 8, bottom: 22 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': title });
  svg.append(el('title', {}, title));
  const g = el('g', { transform: `translate(${pad.left},${pad.top})` });
  for (const f of [0, 0.5, 1]) {
    if (integerTicks && !Number.isInteger(f * yMax)) continue; // counts and seconds: no half ticks
    const y = h - f * h;
    g.append(el('line', { x1: 0, x2: w, y1: y, y2: y, class: 'grid' }));
    g.append(el('text', { x: -6, y: y + 4, class: 'axis', 'text-anchor': 'end' }, yLabel(f * yMax)));
  }
  g.append(el('text', { x: 0, y: h + 16, class: 'axis' }, xLabel(x0)));
  g.append(el('text', { x: w, y: h + 16, class: 'axis', 'text-anchor': 'end' }, xLabel(x1)));
  for (const s of series) {
    const d = linePath(s.points, { width: w, height: h, x0, x1, y0: 0, y1: yMax });
    if (d) g.append(el('path', { d, class: `series ${s.className || ''}`, 'data-series': s.name }));
  }
  svg.append(g);
  return svg;
}
