// The time axis of the dashboard's line charts (History, Review): a chart.js linear scale over UTC milliseconds with
// ticks at round steps aligned to UTC midnight or the hour, labelled with the year when it is needed.

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A round tick interval (1 h ... 30 days) giving at most ~10 ticks over `span` milliseconds. */
function tickStep(span) {
  for (const step of [HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 7 * DAY, 14 * DAY]) {
    if (span / step <= 10) return step;
  }
  return 30 * DAY;
}

/** Tick times at a round step, aligned to the step in UTC (days start at midnight), within [min, max]. */
export function alignedTicks(min, max) {
  const step = tickStep(max - min);
  const unit = step >= DAY ? DAY : HOUR;
  const ticks = [];
  for (let at = Math.ceil(min / unit) * unit; at <= max; at += step) ticks.push(at);
  return ticks;
}

/**
 * Tick labels (UTC) over [min, max]: the year when the range spans years or is not `thisYear`, the hour only when
 * ticks are less than a day apart. `2025-12-01`, `07-01 12:00`, `2025-12-31 18:00`.
 */
export function tickLabel(min, max, thisYear, ms) {
  const firstYear = new Date(min).getUTCFullYear();
  const withYear = firstYear !== new Date(max).getUTCFullYear() || firstYear !== thisYear;
  const iso = new Date(ms).toISOString();
  const date = withYear ? iso.slice(0, 10) : iso.slice(5, 10);
  return tickStep(max - min) < DAY ? `${date} ${iso.slice(11, 16)}` : date;
}

/** chart.js options of an x axis over `times` (ms, ascending). The ticks follow the axis's range when it changes. */
export function timeAxis(times, thisYear = new Date().getUTCFullYear()) {
  return {
    type: 'linear',
    min: times[0],
    max: times[times.length - 1],
    ticks: {
      autoSkip: false,
      // chart.js calls this with the scale as `this`.
      callback(value) {
        return tickLabel(this.min, this.max, thisYear, value);
      },
    },
    // chart.js aligns a linear step to multiples from 0 (the epoch); align to UTC midnight/hours instead.
    afterBuildTicks: (scale) => {
      scale.ticks = alignedTicks(scale.min, scale.max).map((value) => ({ value }));
    },
    title: { display: true, text: 'UTC' },
  };
}
