import { describe, expect, it } from 'vitest';
import { isInputError } from '../errors';
import { formatRepoRef, modelPageUrl, normalizeEndpoint, parseRepoRef, resolveBase, resolveUrl } from './repo';

describe('parseRepoRef', () => {
  it('reads ORG/NAME with the default revision', () => {
    expect(parseRepoRef('Qwen/Qwen3-0.6B')).toEqual({ repo: 'Qwen/Qwen3-0.6B', revision: 'main' });
    expect(parseRepoRef('  hf:HuggingFaceTB/SmolLM2-135M-Instruct ')).toEqual({
      repo: 'HuggingFaceTB/SmolLM2-135M-Instruct',
      revision: 'main',
    });
    expect(parseRepoRef('gpt2')).toEqual({ repo: 'gpt2', revision: 'main' });
  });
  it('reads a revision after @, "/" included', () => {
    expect(parseRepoRef('ORG/NAME@v1.0')).toEqual({ repo: 'ORG/NAME', revision: 'v1.0' });
    expect(parseRepoRef('hf:ORG/NAME@refs/pr/12')).toEqual({ repo: 'ORG/NAME', revision: 'refs/pr/12' });
    expect(parseRepoRef('ORG/NAME@0123abcd')).toEqual({ repo: 'ORG/NAME', revision: '0123abcd' });
  });
  it('reads a model page URL', () => {
    expect(parseRepoRef('https://huggingface.co/Qwen/Qwen3-0.6B')).toEqual({
      repo: 'Qwen/Qwen3-0.6B',
      revision: 'main',
    });
    expect(parseRepoRef('https://huggingface.co/ORG/NAME/tree/refs%2Fpr%2F3')).toEqual({
      repo: 'ORG/NAME',
      revision: 'refs/pr/3',
    });
  });
  it('refuses what is not a repo id, naming the field', () => {
    for (const bad of [
      '',
      'a/b/c',
      'org/na me',
      'org/-x',
      'org/a--b',
      'org/a..b',
      'org/x@',
      'org/x@a//b',
      'org/x@../x',
    ]) {
      let err: unknown;
      try {
        parseRepoRef(bad);
      } catch (e) {
        err = e;
      }
      expect(isInputError(err), bad).toBe(true);
      expect((err as Error).message).toContain('model id');
    }
  });
  it('formats back, leaving out main', () => {
    expect(formatRepoRef({ repo: 'A/B', revision: 'main' })).toBe('A/B');
    expect(formatRepoRef({ repo: 'A/B', revision: 'refs/pr/1' })).toBe('A/B@refs/pr/1');
  });
});

describe('URLs', () => {
  const ref = { repo: 'Qwen/Qwen3-0.6B', revision: 'main' };
  it('builds {endpoint}/{repo}/resolve/{rev}/{file}', () => {
    expect(resolveUrl('https://huggingface.co', ref, 'config.json')).toBe(
      'https://huggingface.co/Qwen/Qwen3-0.6B/resolve/main/config.json',
    );
    expect(resolveUrl('https://huggingface.co/', ref, 'model-00001-of-00002.safetensors')).toBe(
      'https://huggingface.co/Qwen/Qwen3-0.6B/resolve/main/model-00001-of-00002.safetensors',
    );
  });
  it('encodes a revision with "/" as one segment, and each segment of a file path', () => {
    const pr = { repo: 'ORG/NAME', revision: 'refs/pr/1' };
    expect(resolveUrl('https://hf-mirror.com', pr, 'config.json')).toBe(
      'https://hf-mirror.com/ORG/NAME/resolve/refs%2Fpr%2F1/config.json',
    );
    expect(resolveUrl('https://h.example/hub', ref, 'onnx/model weights#1.bin')).toBe(
      'https://h.example/hub/Qwen/Qwen3-0.6B/resolve/main/onnx/model%20weights%231.bin',
    );
    expect(resolveBase('http://127.0.0.1:9000', pr)).toBe('http://127.0.0.1:9000/ORG/NAME/resolve/refs%2Fpr%2F1/');
  });
  it('refuses a file path that leaves the revision folder', () => {
    expect(() => resolveUrl('https://huggingface.co', ref, '../x')).toThrow(/not a file path/);
    expect(() => resolveUrl('https://huggingface.co', ref, '/etc/passwd')).toThrow(/not a file path/);
  });
  it('links the model page (with the revision when not main)', () => {
    expect(modelPageUrl('https://huggingface.co', ref)).toBe('https://huggingface.co/Qwen/Qwen3-0.6B');
    expect(modelPageUrl('https://huggingface.co', { repo: 'A/B', revision: 'v2' })).toBe(
      'https://huggingface.co/A/B/tree/v2',
    );
  });
  it('normalizes the endpoint and refuses non-http ones', () => {
    expect(normalizeEndpoint(' https://hf-mirror.com/ ')).toBe('https://hf-mirror.com');
    expect(normalizeEndpoint('http://127.0.0.1:8080/mirror//')).toBe('http://127.0.0.1:8080/mirror');
    expect(() => normalizeEndpoint('ftp://x')).toThrow(/http/);
    expect(() => normalizeEndpoint('not a url')).toThrow(/not a URL/);
  });
});
