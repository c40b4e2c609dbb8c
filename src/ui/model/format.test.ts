import { describe, expect, it } from 'vitest';
import { folderRelativePath, formatBytes, formatParams } from './format';

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
