import { describe, expect, it } from 'vitest';
import { InputError } from '../errors';
import { crc32, filesFromZip, looksLikeZip, modelEntriesFromZip, readZip, writeZip } from './zip';

const enc = new TextEncoder();
const dec = new TextDecoder();
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/**
 * Made by Info-ZIP 3.0: `zip -X -D fx.zip tiny/config.json` (deflated) then `zip -X -0 -D fx.zip tiny/notes.txt`
 * (stored). `unzip -v`: config.json 97 bytes → 49, CRC df829574; notes.txt 3 bytes "hi\n", CRC ed6f7a7a.
 */
const INFOZIP = b64(
  'UEsDBBQAAAAIAO0wel10lYLfMQAAAGEAAAAQAAAAdGlueS9jb25maWcuanNvbqtWys1PSc2JL6ksSFWyUlBKLygxUtJRUMqLz0msTC0CChkiePF5+SVgVYlEAqVaLgBQSwMECgAAAAAA7TB6XXp6b+0DAAAAAwAAAA4AAAB0aW55L25vdGVzLnR4dGhpClBLAQIeAxQAAAAIAO0wel10lYLfMQAAAGEAAAAQAAAAAAAAAAEAAACkgQAAAAB0aW55L2NvbmZpZy5qc29uUEsBAh4DCgAAAAAA7TB6XXp6b+0DAAAAAwAAAA4AAAAAAAAAAAAAAKSBXwAAAHRpbnkvbm90ZXMudHh0UEsFBgAAAAACAAIAegAAAI4AAAAAAA==',
);
const INFOZIP_CONFIG =
  '{"model_type": "gpt2", "n_layer": 1, "n_layer_note": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}\n';

/**
 * Made by Python's zipfile writing to an unseekable stream (so sizes and CRCs follow the data in data descriptors,
 * flag bit 3): 'config.json' = '{"a": "ééé"}' (CRC da871423) and 'vocab/ünï.txt' = 'xyz' (UTF-8 name flag), both deflated.
 */
const PYTHON_STREAMED = b64(
  'UEsDBBQACAAIAO8wel0AAAAAAAAAAAAAAAALAAAAY29uZmlnLmpzb26rVkpUslJQOrwSBJVqAVBLBwgjFIfaDgAAAA8AAABQSwMEFAAICAgA7zB6XQAAAAAAAAAAAAAAAA8AAAB2b2NhYi/DvG7Dry50eHSrqKwCAFBLBwhnuo7rBQAAAAMAAABQSwECFAMUAAgACADvMHpdIxSH2g4AAAAPAAAACwAAAAAAAAAAAAAAgAEAAAAAY29uZmlnLmpzb25QSwECFAMUAAgICADvMHpdZ7qO6wUAAAADAAAADwAAAAAAAAAAAAAAgAFHAAAAdm9jYWIvw7xuw68udHh0UEsFBgAAAAACAAIAdgAAAIkAAAAAAA==',
);

/** Made by `zip -X -0 -fz z64.zip tiny/notes.txt` (zip64 forced). */
const ZIP64 = b64(
  'UEsDBC0AAAAAAO0wel16em/t//////////8OABQAdGlueS9ub3Rlcy50eHQBABAAAwAAAAAAAAADAAAAAAAAAGhpClBLAQIeAy0AAAAAAO0wel16em/tAwAAAP////8OAAwAAAAAAAAAAACkgQAAAAB0aW55L25vdGVzLnR4dAEACAADAAAAAAAAAFBLBgYsAAAAAAAAAB4DLQAAAAAAAAAAAAEAAAAAAAAAAQAAAAAAAABIAAAAAAAAAEMAAAAAAAAAUEsGBwAAAACLAAAAAAAAAAEAAABQSwUGAAAAAAEAAQBIAAAA/////wAA',
);

async function rejects(bytes: Uint8Array, message: RegExp) {
  const err = await readZip(bytes, 'm.zip').then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  expect((err as Error).message).toMatch(/^m\.zip: /);
  expect((err as Error).message).toMatch(message);
}

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    expect(crc32(enc.encode('hi\n'))).toBe(0xed6f7a7a); // as unzip -v printed for the fixture
  });

  it('the 8-bytes-a-step loop equals the plain byte-wise definition at every length and offset', () => {
    const byteWise = (b: Uint8Array) => {
      let c = 0xffffffff;
      for (const x of b) {
        c ^= x;
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 167 + 13) & 0xff);
    for (let n = 0; n <= 40; n++)
      for (const off of [0, 1, 3])
        expect(crc32(data.subarray(off, off + n)), `${off}+${n}`).toBe(byteWise(data.subarray(off, off + n)));
    expect(crc32(data)).toBe(byteWise(data));
  });
});

describe('readZip', () => {
  it('reads an Info-ZIP archive: a deflated and a stored entry', async () => {
    const entries = await readZip(INFOZIP, 'fx.zip');
    expect(entries.map((e) => e.path)).toEqual(['tiny/config.json', 'tiny/notes.txt']);
    expect(dec.decode(entries[0].bytes)).toBe(INFOZIP_CONFIG);
    expect(dec.decode(entries[1].bytes)).toBe('hi\n');
  });

  it('reads a streamed Python archive (data descriptors, UTF-8 names)', async () => {
    const entries = await readZip(PYTHON_STREAMED, 'py.zip');
    expect(entries.map((e) => e.path)).toEqual(['config.json', 'vocab/ünï.txt']);
    expect(dec.decode(entries[0].bytes)).toBe('{"a": "ééé"}');
    expect(dec.decode(entries[1].bytes)).toBe('xyz');
  });

  it('round-trips writeZip, with an empty file, a UTF-8 name and a trailing archive comment', async () => {
    const files = [
      { path: 'config.json', bytes: enc.encode('{"n_layer": 2}') },
      { path: 'empty.bin', bytes: new Uint8Array() },
      { path: 'dir/naïve ✓.txt', bytes: Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff) },
    ];
    const zip = writeZip(files);
    expect(looksLikeZip(zip)).toBe(true);
    expect(await readZip(zip, 'a.zip')).toEqual(files);
    // The layout by hand: 3 local headers (30 + name + data), 3 central ones (46 + name), the 22-byte end record.
    const names = files.map((f) => enc.encode(f.path).length);
    const local = names.reduce((s, n, i) => s + 30 + n + files[i].bytes.length, 0);
    expect(zip.length).toBe(local + names.reduce((s, n) => s + 46 + n, 0) + 22);
    expect(new DataView(zip.buffer).getUint32(local, true)).toBe(0x02014b50);
    // A comment after the end record (length in its last field) is allowed.
    const commented = new Uint8Array(zip.length + 5);
    commented.set(zip);
    commented.set(enc.encode('hello'), zip.length);
    new DataView(commented.buffer).setUint16(zip.length - 2, 5, true);
    expect(await readZip(commented, 'c.zip')).toEqual(files);
    expect(await readZip(writeZip([]), 'e.zip')).toEqual([]);
  });

  it('writeZip output is what Info-ZIP expects (stored, CRC in both headers)', () => {
    const zip = writeZip([{ path: 'hi.txt', bytes: enc.encode('hi\n') }]);
    const v = new DataView(zip.buffer);
    expect(v.getUint32(0, true)).toBe(0x04034b50);
    expect(v.getUint16(8, true)).toBe(0); // method stored
    expect(v.getUint32(14, true)).toBe(0xed6f7a7a);
    expect(v.getUint32(18, true)).toBe(3);
    expect(v.getUint32(39 + 16, true)).toBe(0xed6f7a7a); // central header (local one is 30 + 6 + 3 = 39 bytes)
  });

  it('refuses every kind of bad input with an InputError naming the file', async () => {
    const good = writeZip([{ path: 'a.txt', bytes: enc.encode('abc') }]); // local 38, central 51, end 22
    await rejects(enc.encode('config.json is not here'), /not a zip archive \(bad signature/);
    await rejects(new Uint8Array(), /not a zip archive/);
    await rejects(good.subarray(0, good.length - 10), /truncated zip archive/);
    await rejects(good.subarray(0, 30), /truncated zip archive/);
    await rejects(ZIP64, /zip64/);

    const bad = (patch: (v: DataView, b: Uint8Array) => void) => {
      const b = good.slice();
      patch(new DataView(b.buffer), b);
      return b;
    };
    await rejects(
      bad((_, b) => (b[35] ^= 1)),
      /entry "a\.txt": CRC-32 mismatch \(stored 0x352441c2, data 0x/,
    );
    await rejects(
      bad((v) => (v.setUint16(8, 12, true), v.setUint16(38 + 10, 12, true))),
      /entry "a\.txt": unsupported compression method 12 \(bzip2\)/,
    );
    await rejects(
      bad((v) => v.setUint16(38 + 8, 0x801, true)),
      /encrypted/,
    );
    await rejects(
      bad((v) => v.setUint32(0, 0x12345678, true)),
      /entry "a\.txt": bad local header signature/,
    );
    await rejects(
      bad((v) => v.setUint32(38, 0x12345678, true)),
      /corrupt central directory \(bad signature of entry 1 of 1\)/,
    );
    await rejects(
      bad((v) => v.setUint32(38 + 20, 300, true)),
      /entry "a\.txt": truncated data/,
    );
    await rejects(
      bad((v) => v.setUint32(89 + 16, 1000, true)),
      /central directory at 1000\+51 runs past/,
    );
    await rejects(
      bad((v) => v.setUint16(89 + 4, 1, true)),
      /split \(multi-disk\)/,
    );
    const twice = writeZip([
      { path: 'a', bytes: new Uint8Array(1) },
      { path: 'a', bytes: new Uint8Array(1) },
    ]);
    await rejects(twice, /entry "a": appears twice/);
  });

  it('refuses corrupt deflate data and data longer than the directory says', async () => {
    // The Info-ZIP fixture's deflate stream starts at byte 30 + 16: flip its first byte (block type 3 = invalid).
    const corrupt = INFOZIP.slice();
    corrupt[46] = 0xff;
    await rejects(corrupt, /entry "tiny\/config\.json": (corrupt deflate data|CRC-32 mismatch|decompressed to)/);
    const longer = INFOZIP.slice();
    new DataView(longer.buffer).setUint32(0x8e + 24, 50, true); // central "size" 97 → 50
    await rejects(longer, /entry "tiny\/config\.json": decompresses to more than the 50 bytes/);
  });
});

describe('model folders in a zip', () => {
  const e = (path: string) => ({ path, bytes: enc.encode(path) });

  it('strips one enclosing folder and macOS litter; keeps a root layout and nested folders', () => {
    expect(
      Object.keys(
        modelEntriesFromZip(
          [e('gpt2/config.json'), e('gpt2/tok/vocab.json'), e('__MACOSX/gpt2/._config.json'), e('gpt2/.DS_Store')],
          'z',
        ),
      ),
    ).toEqual(['config.json', 'tok/vocab.json']);
    expect(Object.keys(modelEntriesFromZip([e('config.json'), e('tok/vocab.json')], 'z'))).toEqual([
      'config.json',
      'tok/vocab.json',
    ]);
    expect(Object.keys(modelEntriesFromZip([e('a/config.json'), e('b/model.safetensors')], 'z'))).toEqual([
      'a/config.json',
      'b/model.safetensors',
    ]);
    expect(() => modelEntriesFromZip([e('__MACOSX/x')], 'empty.zip')).toThrow(
      /empty\.zip: the zip archive holds no files/,
    );
  });

  it('filesFromZip: a ModelFiles named after the archive', async () => {
    const files = await filesFromZip(INFOZIP, '/tmp/models/fx.zip');
    expect(files.name).toBe('fx');
    expect(dec.decode((await files.get('config.json'))!)).toBe(INFOZIP_CONFIG);
    expect(await files.get('tiny/config.json')).toBeUndefined();
    expect(await files.list!()).toEqual(['config.json', 'notes.txt']);
  });
});
