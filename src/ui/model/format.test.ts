import { describe, expect, it } from 'vitest';
import { folderRelativePath, formatBytes, formatParams, withThousands } from './format';

describe('formatParams', () => {
  it('uses K/M/B with one decimal', () => {
    expect(formatParams(999)).toBe('999');
    expect(formatParams(52_000)).toBe('52.0K');
    expect(formatParams(124_439_808)).toBe('124.4M');
    expect(formatParams(8_190_000_000)).toBe('8.2B');
    expect(formatParams(NaN)).toBe('?');
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MB');
  });
});

describe('folderRelativePath', () => {
  it('drops the folder name and keeps sub-paths', () => {
    expect(folderRelativePath('gpt2/config.json', 'config.json')).toBe('config.json');
    expect(folderRelativePath('gpt2/onnx/model.onnx', 'model.onnx')).toBe('onnx/model.onnx');
    expect(folderRelativePath('', 'config.json')).toBe('config.json');
  });
});

describe('withThousands', () => {
  it('groups the integer part by three, as en-US does', () => {
    expect(withThousands(124439808)).toBe('124,439,808');
    expect(withThousands(1000)).toBe('1,000');
    expect(withThousands(999)).toBe('999');
    expect(withThousands(0)).toBe('0');
    expect(withThousands(-1234567)).toBe('-1,234,567');
    expect(withThousands(1234.5)).toBe('1,234.5');
    expect(withThousands(NaN)).toBe('?');
    for (const n of [7, 52000, 1454080, 50257]) expect(withThousands(n)).toBe(n.toLocaleString('en-US'));
  });
});
