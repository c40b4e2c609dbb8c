import { describe, expect, it } from 'vitest';
import { heatmapMargin, plotSide } from './geometry';

describe('heatmap margins', () => {
  it('fit at least three characters, else the longest label (cut at 10 characters)', () => {
    // chars = 3: left = max(36, 12 + 3 × 6.3 = 30.9) = 36; bottom = round(max(48, 36 + 3 × 5.5 = 52.5)) = 53
    expect(heatmapMargin(['a', 'bb'])).toEqual({ top: 20, right: 12, bottom: 53, left: 36 });
    // 'abcdefghijkl' is cut to 10 characters: left = round(12 + 63) = 75, bottom = round(36 + 55) = 91
    expect(heatmapMargin(['x', 'abcdefghijkl'])).toEqual({ top: 20, right: 12, bottom: 91, left: 75 });
  });
});

describe('plot side', () => {
  const m = { top: 20, right: 12, bottom: 53, left: 36 };
  it('fills a narrow panel: 494 − 36 − 12 = 446 px for 100 tokens in an 860 px window', () => {
    expect(plotSide(100, m, 494, 860)).toBe(446);
  });
  it('leaves room for the legend column in a wide panel: 800 − 48 − (150 + 12) = 590', () => {
    expect(plotSide(100, m, 800, 860)).toBe(590);
  });
  it('fits the window: 500 − 20 − 53 − 120 = 307', () => {
    expect(plotSide(100, m, 494, 500)).toBe(307);
  });
  it('caps cells at 40 px and the side at 900 px, with floors of 200 (narrow) and 280 (wide)', () => {
    expect(plotSide(6, m, 494, 860)).toBe(240);
    expect(plotSide(6, m, 800, 860)).toBe(280);
    expect(plotSide(100, m, 150, 860)).toBe(200);
    expect(plotSide(1000, m, 2400, 2000)).toBe(900);
  });
  it('is a whole number of px', () => {
    expect(plotSide(100, m, 494.6, 860)).toBe(446);
  });
});
