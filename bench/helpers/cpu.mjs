// CPU time of a process tree (e.g. Chromium and all its children), from /proc.
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let tck = 100;
try {
  tck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* Linux default */
}

/** user+system CPU seconds of `root` and its descendants that are alive now. @param {number} root */
export function treeCpuSeconds(root) {
  /** @type {Map<number, {ppid: number, ticks: number}>} */
  const procs = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(Number(name), { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* exited meanwhile */
    }
  }
  let ticks = 0;
  for (const [pid, p] of procs) {
    for (let q = pid, hops = 0; q > 1 && hops < 64; q = procs.get(q)?.ppid ?? 0, hops++) {
      if (q === root) {
        ticks += p.ticks;
        break;
      }
    }
  }
  return ticks / tck;
}
