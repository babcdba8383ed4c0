#!/usr/bin/env node
// Prints the mesh table of a saved run again, its summary worked out anew from the rooms (after the summary gained
// a figure, say): node bench/mesh-report.mjs [bench/results/mesh-latest.json] [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import { summarise, meshReport } from './helpers/mesh-bench.mjs';

const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'bench/results/mesh-latest.json';
const saved = JSON.parse(readFileSync(file, 'utf8'));
const mesh = saved.mesh;
mesh.summary = summarise(mesh.rooms, mesh.config.sizes, mesh.config.rounds);
console.log(meshReport(mesh));
if (process.argv.includes('--write')) writeFileSync(file, JSON.stringify(saved, null, 2) + '\n');
