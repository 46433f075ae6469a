/**
 * uPlot charts: series over time with an optional uncertainty band, vertical markers with labels
 * (deployments, change points, alerts), and stacked bars of counts. Each chart's container
 * records what it drew in data attributes (points per series, the x range, each marker's time),
 * so a test or a curious reader can check it without reading pixels.
 */
import uPlot from './vendor/uPlot.esm.js';
import { h } from './dom.js';

const WIDTH_FALLBACK = 720;

function widthOf(container) {
  return Math.max(320, Math.floor(container.clientWidth || WIDTH_FALLBACK) - 8);
}

/** A marker line plus its label: solid for this service, dashed for dependencies, dotted for change points. */
const MARKER_STYLES = {
  self: { colour: '#0969da', dash: [] },
  dependency: { colour: '#8250df', dash: [6, 4] },
  change: { colour: '#cf222e', dash: [2, 3] },
  alert: { colour: '#bc4c00', dash: [8, 3] },
};

/**
 * Draws `markers` ({ atMs, label, kind, id }) as vertical lines on the plot, and adds a label for
 * each to uPlot's overlay, positioned at the marker's x.
 */
function markerPlugin(markers, xIsTime) {
  const xOf = (marker) => (xIsTime ? marker.atMs / 1000 : marker.atMs);
  const place = (u) => {
    for (const label of u.over.querySelectorAll('.marker-label')) {
      const left = u.valToPos(Number(label.dataset.x), 'x');
      label.style.left = `${left}px`;
      label.dataset.leftPx = left.toFixed(1);
      label.hidden = !(left >= 0 && left <= u.over.clientWidth);
    }
  };
  return {
    hooks: {
      ready: (u) => {
        markers.forEach((marker, index) => {
          u.over.append(
            h(
              'div',
              {
                className: `marker-label marker-${marker.kind}`,
                title: marker.title ?? marker.label,
                style: `top:${(index % 4) * 14}px`,
                dataset: {
                  x: String(xOf(marker)),
                  atMs: String(marker.atMs),
                  kind: marker.kind,
                  id: marker.id ?? '',
                },
              },
              marker.label,
            ),
          );
        });
        place(u);
      },
      setSize: place,
      setScale: (u, key) => key === 'x' && place(u),
      draw: (u) => {
        const { ctx } = u;
        ctx.save();
        for (const marker of markers) {
          const style = MARKER_STYLES[marker.kind] ?? MARKER_STYLES.self;
          const x = Math.round(u.valToPos(xOf(marker), 'x', true));
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.strokeStyle = style.colour;
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash(style.dash.map((length) => length * devicePixelRatio));
          ctx.beginPath();
          ctx.moveTo(x, u.bbox.top);
          ctx.lineTo(x, u.bbox.top + u.bbox.height);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

/** Records what is drawn on the container: the series now, the x range and plot width once drawn. */
function describe(container, series) {
  container.dataset.points = series
    .map((one) => one.values.filter((value) => value !== null).length)
    .join(',');
  container.dataset.series = series.map((one) => one.label).join(',');
  // uPlot sets its scales and sizes in a microtask after the constructor returns: read them when it draws.
  return {
    hooks: {
      draw: (u) => {
        container.dataset.xMin = String(u.scales.x.min);
        container.dataset.xMax = String(u.scales.x.max);
        container.dataset.plotWidth = String(u.over.getBoundingClientRect().width);
      },
    },
  };
}

/**
 * A line chart. `xs`: ms (xIsTime) or plain numbers; `series`: [{ label, values, colour, dash }];
 * `band`: { low, high, colour } drawn as a filled area; `markers` as above.
 */
export function lineChart(container, { title, xs, xIsTime = true, series, band, markers = [], yLabel }) {
  const data = [xIsTime ? xs.map((x) => x / 1000) : xs];
  const uSeries = [{}];
  for (const one of series) {
    data.push(one.values);
    uSeries.push({
      label: one.label,
      stroke: one.colour,
      width: 2,
      dash: one.dash,
      spanGaps: true,
      // Filled, so a lone estimate (a release rolled back after one interval) shows as a dot, not a thin ring.
      points: { show: true, size: 6, fill: one.colour },
    });
  }
  const bands = [];
  if (band !== undefined) {
    data.push(band.high, band.low);
    const highIndex = data.length - 2;
    uSeries.push(
      { label: `${band.label} high`, stroke: band.colour, width: 1, dash: [3, 3], spanGaps: true },
      { label: `${band.label} low`, stroke: band.colour, width: 1, dash: [3, 3], spanGaps: true },
    );
    bands.push({ series: [highIndex, highIndex + 1], fill: band.fill });
  }
  // A marker outside the data still shows: the x range covers both.
  const xValues = [...data[0], ...markers.map((marker) => (xIsTime ? marker.atMs / 1000 : marker.atMs))];
  const xMin = Math.min(...xValues);
  const xMax = Math.max(...xValues);
  const pad = xMax > xMin ? (xMax - xMin) * 0.02 : 30;
  const u = new uPlot(
    {
      title,
      width: widthOf(container),
      height: 240,
      series: uSeries,
      bands,
      scales: { x: { time: xIsTime, range: () => [xMin - pad, xMax + pad] } },
      axes: [{}, { label: yLabel, size: 60 }],
      plugins: [markerPlugin(markers, xIsTime), describe(container, series)],
      legend: { live: true },
    },
    data,
    container,
  );
  return u;
}

/** Stacked bars of counts per bucket: `stacks` = [{ label, values, colour }] bottom first. */
export function stackedBars(container, { title, xsMs, bucketSeconds, stacks, markers = [] }) {
  const xs = xsMs.map((x) => x / 1000 + bucketSeconds / 2);
  const sums = stacks.map((_stack, index) =>
    xs.map((_x, at) =>
      stacks.slice(0, index + 1).reduce((total, stack) => total + (stack.values[at] ?? 0), 0),
    ),
  );
  const bars = uPlot.paths.bars({ size: [0.9, 60], align: 0 });
  // Whole buckets and every marker (an alert after the last bucket's middle still shows).
  const ends = [
    ...xsMs.flatMap((x) => [x / 1000, x / 1000 + bucketSeconds]),
    ...markers.map((marker) => marker.atMs / 1000),
  ];
  const x =
    ends.length === 0 ? { time: true } : { time: true, range: () => [Math.min(...ends), Math.max(...ends)] };
  // Tallest first, so each smaller stack is drawn over it and every status shows its own slice.
  const order = stacks.map((_stack, index) => stacks.length - 1 - index);
  const u = new uPlot(
    {
      title,
      width: widthOf(container),
      height: 200,
      series: [
        {},
        ...order.map((index) => ({
          label: stacks[index].label,
          fill: stacks[index].colour,
          stroke: stacks[index].colour,
          paths: bars,
          points: { show: false },
          value: (_u, _value, _series, at) => (at === null ? '' : String(stacks[index].values[at] ?? 0)),
        })),
      ],
      scales: { x, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      plugins: [markerPlugin(markers, true), describe(container, stacks)],
    },
    [xs, ...order.map((index) => sums[index])],
    container,
  );
  return u;
}
