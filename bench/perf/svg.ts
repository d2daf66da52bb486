// A horizontal grouped bar chart as a standalone SVG string: no dependency, a few lines.

/** One bar: its legend label, value and fill colour. */
export interface Bar {
  series: string;
  value: number;
  color: string;
}

/** A labelled group of bars drawn one under the other. */
export interface BarGroup {
  label: string;
  bars: Bar[];
}

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Draws `groups` of ratios as horizontal bars on a log axis centred on 1 (a dashed line): a bar
 * goes right for a ratio above 1 and left below it, so 0.5× and 2× are equally long. Each bar has
 * its value printed at its end, and `subtitle` under the title.
 */
export function barChart(title: string, groups: BarGroup[], subtitle = ""): string {
  const labelWidth = 330, plotWidth = 460, barHeight = 11, gap = 9, top = 46, right = 40;
  const finite = groups.flatMap((g) => g.bars.map((b) => b.value))
    .filter((v) => Number.isFinite(v) && v > 0);
  const span = Math.max(2, ...finite.map((v) => Math.max(v, 1 / v))) * 1.15;
  const center = labelWidth + plotWidth / 2;
  const x = (value: number) => center + (Math.log(value) / Math.log(span)) * (plotWidth / 2);
  const reference = 1;
  const parts: string[] = [];
  let y = top;
  for (const group of groups) {
    const height = group.bars.length * barHeight;
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + height / 2 + 4}" text-anchor="end">${
        escape(group.label)
      }</text>`,
    );
    for (const bar of group.bars) {
      if (Number.isFinite(bar.value) && bar.value > 0) {
        const end = x(bar.value), left = Math.min(end, center);
        const above = bar.value >= 1;
        parts.push(
          `<rect x="${left.toFixed(1)}" y="${y}" width="${Math.abs(end - center).toFixed(1)}" ` +
            `height="${barHeight - 1}" fill="${bar.color}"/>`,
          `<text x="${(above ? end + 3 : end - 3).toFixed(1)}" y="${y + barHeight - 2}" ` +
            `font-size="9" text-anchor="${above ? "start" : "end"}">${
              bar.value.toFixed(2)
            }×</text>`,
        );
      }
      y += barHeight;
    }
    y += gap;
  }
  const series = [...new Map(groups.flatMap((g) => g.bars).map((b) => [b.series, b.color]))];
  const legend = series.map(([name, color], i) =>
    `<rect x="${labelWidth + 130 + i * 150}" y="24" width="10" height="10" fill="${color}"/>` +
    `<text x="${labelWidth + 130 + i * 150 + 14}" y="33">${escape(name)}</text>`
  );
  const ref = x(reference).toFixed(1);
  const ticks = [0.1, 0.25, 0.5, 2, 4, 10].filter((t) => t > 1 / span && t < span).map((t) =>
    `<text x="${x(t).toFixed(1)}" y="${top - 6}" font-size="9" text-anchor="middle" ` +
    `fill="#666">${t}×</text>`
  );
  const width = labelWidth + plotWidth + right;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" ` +
    `font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="16" font-size="13" font-weight="bold">${escape(title)}</text>`,
    `<text x="8" y="33" font-size="10" fill="#444">${escape(subtitle)}</text>`,
    ...legend,
    ...ticks,
    ...parts,
    `<line x1="${ref}" y1="${
      top - 4
    }" x2="${ref}" y2="${y}" stroke="#444" stroke-dasharray="4 3"/>`,
    `</svg>`,
    "",
  ].join("\n");
}
