#!/usr/bin/env node
// Writes test/data/tokenizer/hf_vectors.jsonl: generated strings and the token ids that Hugging
// Face's own tokenizer gives them (the npm package `tokenizers`, HF's Rust tokenizers with Node
// bindings; on the corpus it reproduces expected.jsonl exactly). The strings aim at the corners:
// characters of every Unicode version (categories of 16.0, normalisation of 9.0), combining
// marks, Hangul jamo, contractions in any case, whitespace of every kind, added tokens glued to
// text, digits of many scripts, ill-assorted punctuation.
//
// Usage (the test suite does not need Node):
//   npm install --no-save --prefix /tmp/hf tokenizers@0.23.2
//   NODE_PATH=/tmp/hf/node_modules node test/tokenizer/make_hf_vectors.mjs \
//       path/to/qwen3/tokenizer.json test/data/tokenizer/hf_vectors.jsonl [count] [seed]
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');

const [tokenizerPath, outPath, countArg, seedArg] = process.argv.slice(2);
if (!tokenizerPath || !outPath) {
    console.error('usage: make_hf_vectors.mjs tokenizer.json out.jsonl [count] [seed]');
    process.exit(2);
}
const count = Number(countArg ?? 3000);
let seed = Number(seedArg ?? 0x9e3779b9) >>> 0 || 1;
const random = (n) => {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed % n;
};
const pick = (list) => list[random(list.length)];
const cp = (c) => String.fromCodePoint(c);
const inRange = (lo, hi) => cp(lo + random(hi - lo + 1));
const anyScalar = () => {
    for (;;) {
        const c = random(4) ? random(0x10000) : random(0x110000);
        if (c < 0xd800 || c > 0xdfff) return cp(c);
    }
};

const marks = [[0x300, 0x36f], [0x591, 0x5c7], [0x610, 0x61a], [0x64b, 0x65f], [0x93c, 0x94d],
    [0x1ab0, 0x1ace], [0x1dc0, 0x1dff], [0x20d0, 0x20f0], [0x302a, 0x302f], [0x3099, 0x309a],
    [0x11300, 0x1134d], [0x16ff0, 0x16ff1], [0x1e000, 0x1e02a], [0x1611e, 0x1612f],
    [0x16d63, 0x16d6a], [0x11380, 0x113ca], [0x11930, 0x1193e]];
const newer = [[0x1c89, 0x1c8a], [0x10d40, 0x10d8f], [0x11bc0, 0x11bf9], [0x16100, 0x16139],
    [0x16d40, 0x16d79], [0x1e5d0, 0x1e5fa], [0x11f00, 0x11f59], [0x31350, 0x323af],
    [0x2ebf0, 0x2ee5d], [0x1e4d0, 0x1e4f9], [0x10ec2, 0x10ec4], [0x1f200, 0x1f2ff]];
const digits = [[0x30, 0x39], [0x660, 0x669], [0x966, 0x96f], [0xff10, 0xff19], [0x2160, 0x2188],
    [0xbc, 0xbe], [0x1d7ce, 0x1d7ff], [0x1fbf0, 0x1fbf9], [0x2460, 0x249b]];
const spaces = [' ', ' ', ' ', '\t', '\n', '\r', '\r\n', '\v', '\f', '\u0085', '\u00a0', '\u1680',
    '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u200b'];
const words = ['the', 'The', 'HELLO', 'world', 'don', 'it', 'we', 'x', 'naïve', 'Straße', 'über',
    'Ελληνικά', 'русский', 'العربية', '中文', '日本語', 'ひらがな', '한국어', 'हिन्दी', 'ไทย', 'ǅ'];
const contractions = ["'s", "'S", "'t", "'T", "'re", "'RE", "'rE", "'ve", "'Ve", "'m", "'M", "'ll",
    "'LL", "'lL", "'d", "'D", "'\u017f", "'", "''", "'r", "'l", "'v"];
const puncts = ['!', '?', '.', ',', '...', '!!!', '$', '%', '(', ')', '<', '>', '|', '@', '#',
    '—', '–', '«', '»', '“', '”', '、', '。', '！', '？', '🙂', '👍🏽', '🇯🇵', '👨‍👩‍👧', '*', '_'];
const added = ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<think>', '</think>', '<tool_call>',
    '<|fim_prefix|>', '<|im_start', '<|', '|>', '<think', '</tool_response>'];

function fragment() {
    switch (random(12)) {
    case 0: return anyScalar();
    case 1: return pick(words);
    case 2: return pick(contractions);
    case 3: return pick(spaces).repeat(1 + random(4));
    case 4: { const [lo, hi] = pick(digits); return inRange(lo, hi); }
    case 5: { const [lo, hi] = pick(marks); return inRange(lo, hi); }
    case 6: { const [lo, hi] = pick(newer); return inRange(lo, hi); }
    case 7: return pick(puncts);
    case 8: return pick(added);
    case 9: return inRange(0x1100, 0x11ff) + inRange(0x1161, 0x1175) + (random(2) ? inRange(0x11a8, 0x11c2) : '');
    case 10: return pick(['a', 'e', 'o', 'A', 'E', 'u']) + inRange(0x300, 0x36f) + inRange(0x300, 0x36f);
    default: return pick(words) + pick(spaces);
    }
}

const tokenizer = Tokenizer.fromFile(tokenizerPath);
const lines = [];
for (let i = 0; i < count; ++i) {
    let text = '';
    const n = 1 + random(random(8) ? 12 : 60);
    for (let j = 0; j < n; ++j) text += fragment();
    if (random(20) === 0) text = text.repeat(2 + random(30));
    const encoding = await tokenizer.encode(text, null, { addSpecialTokens: false });
    lines.push(JSON.stringify({ text, ids: encoding.getIds() }));
}
writeFileSync(outPath, lines.join('\n') + '\n');
console.log(`wrote ${outPath}: ${lines.length} vectors`);
