/**
 * Plain-SVG charts for the Reports screen. Every figure is also written out as text (bar rows) or as a
 * table (the weekly columns), so nothing is conveyed by shape or colour alone.
 */
import type { ComponentChildren } from 'preact';

export interface Segment {
  /** Picks the colour (class `seg-<kind>`) and names the part in the legend. */
  kind: string;
  value: number;
}

export interface Bar {
  label: string;
  /** The figure in words, shown next to the label: "12 incidents · 30 alerts". */
  text: string;
  segments: Segment[];
}

const total = (segments: Segment[]) => segments.reduce((n, s) => n + s.value, 0);

/** A chart's frame: a heading, the chart, and an optional note under it. */
export function Chart({
  id,
  title,
  note,
  children,
}: {
  id: string;
  title: string;
  note?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <section class="chart card" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
      {note && <p class="muted small">{note}</p>}
    </section>
  );
}

/** Horizontal bars, one per row, label and figure above each; all share one scale (`max`, default the largest). */
export function BarList({ bars, max, empty }: { bars: Bar[]; max?: number; empty: string }) {
  if (!bars.length) return <p class="empty">{empty}</p>;
  const scale = Math.max(max ?? 0, ...bars.map((b) => total(b.segments)), 1);
  return (
    <ul class="bar-list">
      {bars.map((b) => {
        let x = 0;
        return (
          <li key={b.label}>
            <span class="bar-label">
              <span>{b.label}</span>
              <span class="bar-text">{b.text}</span>
            </span>
            <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
              <rect class="bar-track" x="0" y="0" width="100" height="10" />
              {b.segments.map((s) => {
                const w = (s.value / scale) * 100;
                const rect = (
                  <rect key={s.kind} class={`seg-${s.kind}`} x={x} y="0" width={w} height="10" />
                );
                x += w;
                return rect;
              })}
            </svg>
          </li>
        );
      })}
    </ul>
  );
}

export interface Column {
  /** Short, under the column: "3 Mar". */
  label: string;
  /** Full, for the table: "Week of 3 Mar (2025-W10)". */
  title: string;
  segments: Segment[];
}

/** The drawing is laid out on a fixed 320-wide canvas that scales to the screen, so text stays legible. */
const WIDTH = 320;
const H = 120;
const AXIS = 18;
const TOP = 14;

/** Stacked columns (weeks), with a table of the same numbers one tap away. */
export function ColumnChart({
  columns,
  kinds,
  summary,
}: {
  columns: Column[];
  kinds: { kind: string; label: string }[];
  summary: string;
}) {
  const max = Math.max(1, ...columns.map((c) => total(c.segments)));
  const every = Math.ceil(columns.length / 6); // at most six date labels fit a phone
  const w = WIDTH / Math.max(columns.length, 1);
  const gap = Math.min(8, w * 0.25);
  return (
    <>
      <svg class="columns" viewBox={`0 0 ${WIDTH} ${H + AXIS}`} role="img" aria-label={summary}>
        <line class="grid" x1="0" x2={WIDTH} y1={TOP + 0.5} y2={TOP + 0.5} />
        <text class="axis-text" x="0" y={TOP - 4}>
          {max}
        </text>
        <line class="axis" x1="0" x2={WIDTH} y1={H + 0.5} y2={H + 0.5} />
        {columns.map((c, i) => {
          let y = H;
          return (
            <g key={c.title}>
              {c.segments.map((s) => {
                const h = (s.value / max) * (H - TOP);
                y -= h;
                return (
                  <rect
                    key={s.kind}
                    class={`seg-${s.kind}`}
                    x={i * w + gap / 2}
                    y={y}
                    width={w - gap}
                    height={h}
                  />
                );
              })}
              {i % every === 0 && (
                <text class="axis-text" x={i * w + w / 2} y={H + 14} text-anchor="middle">
                  {c.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      {kinds.length > 1 && <Legend kinds={kinds} />}
      <details class="chart-table">
        <summary>Show as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Week</th>
              {kinds.map((k) => (
                <th key={k.kind} scope="col">
                  {k.label}
                </th>
              ))}
              {kinds.length > 1 && <th scope="col">Total</th>}
            </tr>
          </thead>
          <tbody>
            {columns.map((c) => (
              <tr key={c.title}>
                <th scope="row">{c.title}</th>
                {kinds.map((k) => (
                  <td key={k.kind}>{c.segments.find((s) => s.kind === k.kind)?.value ?? 0}</td>
                ))}
                {kinds.length > 1 && <td>{total(c.segments)}</td>}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </>
  );
}

/** Colour keys, each with its word. */
export function Legend({ kinds }: { kinds: { kind: string; label: string }[] }) {
  return (
    <ul class="legend">
      {kinds.map((k) => (
        <li key={k.kind}>
          <svg viewBox="0 0 10 10" width="12" height="12" aria-hidden="true">
            <rect class={`seg-${k.kind}`} width="10" height="10" />
          </svg>
          {k.label}
        </li>
      ))}
    </ul>
  );
}
