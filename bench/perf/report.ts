// The results of bench/perf as a Markdown table and as the bar chart of its ratios.

import type { Kind, Runtime } from "./children.ts";
import { barChart, type BarGroup } from "./svg.ts";

/** One row on one runtime: a value per kind per rep (reps interleaved, adjacent runs paired). */
export interface Cell {
  runtime: Runtime;
  row: string;
  unit: string;
  higherIsBetter: boolean;
  reps: { [kind in Kind]?: number[] };
}

/** The median of `values` (NaN when empty). */
export function median(values: number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** emcee / `other`: the ratio within each rep, then the median of those. */
export function ratio(cell: Cell, other: Kind): number {
  const e = cell.reps.emcee ?? [], o = cell.reps[other] ?? [];
  return median(e.map((value, i) => value / o[i]));
}

function format(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "–");

/** The Markdown report: a header of run conditions, then one table row per (row, runtime). */
export function markdown(cells: Cell[], header: string[]): string {
  const lines = [
    "# emcee performance",
    "",
    ...header.map((line) => `- ${line}`),
    "",
    "| row | runtime | unit | emcee | raw | official | emcee / raw | emcee / official |",
    "|---|---|---|--:|--:|--:|--:|--:|",
  ];
  for (const cell of cells) {
    const value = (kind: Kind) => format(median(cell.reps[kind] ?? []));
    lines.push(
      `| ${cell.row} | ${cell.runtime} | ${cell.unit} ${cell.higherIsBetter ? "↑" : "↓"} | ${
        value("emcee")
      } | ${value("raw")} | ${value("official")} | ${times(ratio(cell, "raw"))} | ${
        times(ratio(cell, "official"))
      } |`,
    );
  }
  lines.push(
    "",
    "↑ higher is better, ↓ lower is better. Values are medians of the reps; each ratio is taken " +
      "within a rep (adjacent runs) and the median of those is shown.",
    "",
  );
  return lines.join("\n");
}

/** The chart: per (row, runtime), emcee / raw and emcee / official (log axis, 1 in the middle). */
export function chart(cells: Cell[], title: string): string {
  const groups: BarGroup[] = cells.map((cell) => ({
    label: `${cell.row} · ${cell.runtime} (${cell.higherIsBetter ? "↑" : "↓"})`,
    bars: [
      { series: "emcee / raw", value: ratio(cell, "raw"), color: "#4c78a8" },
      { series: "emcee / official", value: ratio(cell, "official"), color: "#f58518" },
    ],
  }));
  return barChart(
    title,
    groups,
    "↑ rows: right of 1 = emcee faster · ↓ rows: left of 1 = emcee smaller/faster",
  );
}
