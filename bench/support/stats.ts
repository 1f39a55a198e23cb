/** Order statistics for benchmark repetitions: the median and the spread around it. */

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

export const median = (values: number[]): number => quantile(values, 0.5);

export interface Spread {
  median: number;
  min: number;
  p25: number;
  p75: number;
  max: number;
}

/** Median, quartiles and extremes, rounded to `digits`. */
export function spreadOf(values: number[], digits = 0): Spread {
  const round = (value: number): number => Number(value.toFixed(digits));
  return {
    median: round(median(values)),
    min: round(Math.min(...values)),
    p25: round(quantile(values, 0.25)),
    p75: round(quantile(values, 0.75)),
    max: round(Math.max(...values)),
  };
}
