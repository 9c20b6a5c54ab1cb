import { describe, expect, it } from 'vitest';
import { formatCompactCount, formatCount, formatMegabytes, formatNumber, formatScaledCount, formatValue } from './format.ts';

describe('number formats', () => {
  it('writes counts in full with thousands separators, as the summary does', () => {
    expect([0, 999, 1000, 163_696, 1_234_567, 138_357_544].map(formatCount)).toEqual(['0', '999', '1,000', '163,696', '1,234,567', '138,357,544']);
  });

  it('scales counts to two decimals in the largest unit that fits', () => {
    expect([0, 55, 999, 1000, 802_816, 257_741_568, 4.56e9, 7e12].map((n) => formatScaledCount(n))).toEqual(['0', '55', '999', '1.00 k', '802.82 k', '257.74 M', '4.56 G', '7.00 T']);
    expect([55, 257_741_568].map((n) => formatScaledCount(n, 'FLOPs'))).toEqual(['55 FLOPs', '257.74 MFLOPs']);
  });

  it('writes a node face\'s FLOPs to three significant digits, trailing zeros dropped', () => {
    expect([0, 999, 1000, 1500, 19_320_832, 258_030_080, 1.2e9, 15.47e9].map(formatCompactCount)).toEqual(['0', '999', '1 k', '1.5 k', '19.3 M', '258 M', '1.2 G', '15.5 G']);
  });

  it('writes measured numbers to six significant digits', () => {
    expect([0.25, 5, 5.25, 1 / 3, 1234567, 1.5e-7, -0, 0.1 + 0.2].map(formatNumber)).toEqual(['0.25', '5', '5.25', '0.333333', '1234570', '1.5e-7', '0', '0.3']);
  });

  it('writes activations to four significant digits, in exponent notation when very large or small', () => {
    expect([0, 1 / 3, -2.5, 9999, 12345, 0.0001234, NaN, -Infinity].map((v) => formatValue(v))).toEqual(['0.000', '0.3333', '-2.500', '9999', '1.235e+4', '1.234e-4', 'NaN', '-Infinity']);
    expect(formatValue(12345, 2)).toBe('1.23e+4');
  });

  it('writes bytes as megabytes to one decimal', () => {
    expect([0, 49_999, 12_345_678].map(formatMegabytes)).toEqual(['0.0 MB', '0.0 MB', '12.3 MB']);
  });
});
