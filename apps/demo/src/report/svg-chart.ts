import { escapeHtml } from './escape-html.js';

/** One line of a chart. */
export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** `[x, y]` points; points with a `NaN` y break the line. */
  readonly points: readonly (readonly [number, number])[];
}

/** A shaded span of the x axis (a phase). */
export interface ChartBand {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly color: string;
}

/** A vertical line at one instant (an operator action), with its label. */
export interface ChartMarker {
  readonly at: number;
  readonly label: string;
}

/** Options of `renderLineChart`. */
export interface LineChartOptions {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly bands: readonly ChartBand[];
  /** Vertical dashed lines (default none). */
  readonly markers?: readonly ChartMarker[];
  readonly xMax: number;
  /** Upper bound of the y axis (shared between charts that are compared). */
  readonly yMax: number;
  /** `log` needs a positive `yMin`. */
  readonly yScale: 'linear' | 'log';
  readonly yMin: number;
  readonly yUnit: string;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 58, right: 12, top: 26, bottom: 34 };

function niceTicks(options: LineChartOptions): number[] {
  if (options.yScale === 'log') {
    const ticks: number[] = [];
    for (
      let value = 10 ** Math.floor(Math.log10(options.yMin));
      value <= options.yMax * 1.0001;
      value *= 10
    ) {
      if (value >= options.yMin) ticks.push(value);
    }
    return ticks;
  }
  const rough = options.yMax / 4;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(rough, 1e-9)));
  const step =
    [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= rough) ?? rough;
  const ticks: number[] = [];
  for (let value = 0; value <= options.yMax * 1.0001; value += step) ticks.push(value);
  return ticks;
}

function tickLabel(value: number, unit: string): string {
  if (unit === 'ms' && value >= 1000) return `${value / 1000} s`;
  return `${Number(value.toPrecision(3))}${unit === 'ms' ? ' ms' : ''}`;
}

/** An inline SVG line chart (no script, no external resource). */
export function renderLineChart(options: LineChartOptions): string {
  const width = options.width ?? 520;
  const height = options.height ?? 220;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = height - MARGIN.top - MARGIN.bottom;
  const x = (value: number): number =>
    MARGIN.left + (Math.min(value, options.xMax) / options.xMax) * plotWidth;
  const y = (value: number): number => {
    const clamped = Math.min(Math.max(value, options.yMin), options.yMax);
    const share =
      options.yScale === 'log'
        ? (Math.log10(clamped) - Math.log10(options.yMin)) /
          (Math.log10(options.yMax) - Math.log10(options.yMin))
        : (clamped - options.yMin) / (options.yMax - options.yMin || 1);
    return MARGIN.top + plotHeight - share * plotHeight;
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    `<text x="${MARGIN.left}" y="16" font-size="13" font-weight="600" fill="#1d2733">${escapeHtml(options.title)}</text>`,
  ];
  for (const band of options.bands) {
    parts.push(
      `<rect x="${x(band.from).toFixed(1)}" y="${MARGIN.top}" width="${(x(band.to) - x(band.from)).toFixed(1)}" height="${plotHeight}" fill="${band.color}"/>`,
      `<text x="${(x(band.from) + 4).toFixed(1)}" y="${MARGIN.top + 12}" font-size="10" fill="#5b6776">${escapeHtml(band.label)}</text>`,
    );
  }
  for (const tick of niceTicks(options)) {
    const position = y(tick).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${position}" y2="${position}" stroke="#e3e8ee"/>`,
      `<text x="${MARGIN.left - 6}" y="${position}" font-size="10" text-anchor="end" dominant-baseline="middle" fill="#5b6776">${escapeHtml(tickLabel(tick, options.yUnit))}</text>`,
    );
  }
  const xStep = options.xMax > 40 ? 10 : 5;
  for (let tick = 0; tick <= options.xMax; tick += xStep) {
    parts.push(
      `<text x="${x(tick).toFixed(1)}" y="${height - MARGIN.bottom + 14}" font-size="10" text-anchor="middle" fill="#5b6776">${tick}s</text>`,
    );
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#b8c2cc"/>`,
  );
  (options.markers ?? []).forEach((marker, index) => {
    const position = x(marker.at).toFixed(1);
    parts.push(
      `<line x1="${position}" x2="${position}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#6b46c1" stroke-width="1.5" stroke-dasharray="4 3"/>`,
      `<text x="${(x(marker.at) + 3).toFixed(1)}" y="${MARGIN.top + 24 + index * 11}" font-size="10" fill="#6b46c1">${escapeHtml(marker.label)}</text>`,
    );
  });
  let legendOffset = MARGIN.left;
  options.series.forEach((series) => {
    let path = '';
    let pen = false;
    for (const [pointX, pointY] of series.points) {
      if (Number.isNaN(pointY)) {
        pen = false;
        continue;
      }
      path += `${pen ? 'L' : 'M'}${x(pointX).toFixed(1)},${y(pointY).toFixed(1)}`;
      pen = true;
    }
    parts.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="1.8"/>`);
    const legendX = legendOffset;
    // Entries sit side by side, each as wide as its label (about 5.6 px per character at font-size 10).
    legendOffset += 28 + Math.ceil(series.label.length * 5.6);
    parts.push(
      `<rect x="${legendX}" y="${height - 12}" width="12" height="3" fill="${series.color}"/>`,
      `<text x="${legendX + 16}" y="${height - 8}" font-size="10" fill="#1d2733">${escapeHtml(series.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
