// @ts-check
// The server is a package of its own (`@rtc-call/server`, the npm workspace in server/), so that a site that only
// embeds the widget installs no server: what each package holds and needs, the `rtc-call` command and
// `rtc-call/server` kept working through it, and a server installed without the widget saying so.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ROOT } from '../server/helpers.js';
import { npmPack } from '../support/npm-pack.js';

const run = promisify(execFile);
const SERVER = join(ROOT, 'server');
const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const server = JSON.parse(readFileSync(join(SERVER, 'package.json'), 'utf8'));
/** What only the server runs on. */
const SERVER_DEPENDENCIES = ['express', 'jose', 'peer', 'redis', 'ws'];

/** @type {Set<string>} */
let shipped;

before(async () => {
  shipped = (await npmPack(SERVER)).files;
});

test('the widget package needs none of the server: no express, peer, ws, redis or jose', () => {
  assert.deepEqual(Object.keys(root.dependencies).sort(), ['@lit/context', '@lit/react', 'lit', 'peerjs']);
  assert.deepEqual(root.workspaces, ['server']);
  assert.equal(root.peerDependenciesMeta?.['@rtc-call/server']?.optional, true, 'the server is optional beside it');
  assert.deepEqual(Object.keys(server.dependencies).sort(), SERVER_DEPENDENCIES);
  assert.equal(server.version, root.version, 'the two packages are released together');
});

test("@rtc-call/server's tarball: the server, its store, its types, its bin, a README and a LICENSE", async () => {
  for (const file of [
    'package.json',
    'README.md',
    'LICENSE',
    // The build mirrors the repository: the server's code and declarations, and the wire protocol it shares with
    // the widget (types only: its JavaScript is empty).
    'dist/server/cli.js',
    'dist/server/index.js',
    'dist/server/app.js',
    'dist/server/broker.js',
    'dist/server/widget.js',
    'dist/server/store/memory.js',
    'dist/server/store/redis.js',
    'dist/server/index.d.ts',
    'dist/server/cli.d.ts',
    'dist/server/broker.d.ts',
    'dist/src/engine/protocol.d.ts',
  ])
    assert.ok(shipped.has(file), `${file} is shipped`);
  assert.deepEqual(
    [...shipped].filter(
      (f) =>
        !/^(dist\/server\/(store\/)?[\w-]+\.(js|d\.ts)|dist\/src\/engine\/protocol\.(js|d\.ts)|package\.json|README\.md|LICENSE)$/.test(
          f,
        ),
    ),
    [],
    'nothing else: no sources (TypeScript or not), no tests',
  );
  assert.equal(server.bin['rtc-call-server'], './dist/server/cli.js');
  assert.match(readFileSync(join(SERVER, server.bin['rtc-call-server']), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  for (const [subpath, entry] of Object.entries(server.exports)) {
    for (const file of typeof entry === 'string' ? [entry] : Object.values(entry))
      assert.ok(shipped.has(file.replace(/^\.\//, '')), `${subpath}: ${file} is shipped`);
  }
  // In the workspace, the name resolves to the folder, as it will from node_modules once published.
  assert.equal(fileURLToPath(import.meta.resolve('@rtc-call/server')), join(SERVER, 'dist/server/index.js'));
});

test('rtc-call/server still gives the server as a library, through @rtc-call/server', async () => {
  const script = `const m = await import('rtc-call/server'); console.log(Object.keys(m).sort().join(','));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 30000 });
  const names = stdout.trim().split(',');
  for (const name of ['createRtcServer', 'mintRoomToken', 'signRoomToken', 'parseConfig', 'RedisRoomStore'])
    assert.ok(names.includes(name), `rtc-call/server exports ${name}`);
});

test("the rtc-call command runs the server's; without @rtc-call/server installed, it says how to get it", async () => {
  const bin = join(ROOT, root.bin['rtc-call']);
  for (const cli of [bin, join(SERVER, server.bin['rtc-call-server'])]) {
    const { stdout } = await run(process.execPath, [cli, '--version'], { timeout: 30000 });
    assert.equal(stdout, `${root.version}\n`, cli);
  }
  // The widget's package alone: its bin copied outside the repository, where no @rtc-call/server can be found.
  // (--version: were one found after all, it would answer and end rather than start a server.)
  const alone = mkdtempSync(join(tmpdir(), 'rtc-call-widget-alone-'));
  try {
    cpSync(bin, join(alone, 'cli.mjs'));
    const result = await run(process.execPath, [join(alone, 'cli.mjs'), '--version'], {
      cwd: alone,
      timeout: 30000,
    }).then(
      () => ({ code: 0, stderr: '' }),
      (/** @type {{code: number, stderr: string}} */ err) => err,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /npm install @rtc-call\/server/);
  } finally {
    rmSync(alone, { recursive: true, force: true });
  }
});

/**
 * Starts a copy of the server that lives in `dir` (so it is not this checkout's workspace) and reads /rtc-call.js.
 * @param {string} dir
 */
async function scriptFromCopy(dir) {
  cpSync(SERVER, join(dir, 'server'), { recursive: true, filter: (src) => !src.includes('node_modules') });
  const cli = join(dir, 'server', server.bin['rtc-call-server']);
  // Its own package.json says its version (not the checkout's around it, which a copy does not have).
  const { stdout: version } = await run(process.execPath, [cli, '--version'], { timeout: 30000 });
  assert.equal(version, `${server.version}\n`);
  const proc = spawn(process.execPath, [cli], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no start within 30 s: ${out} ${stderr}`)), 30000);
      proc.stdout.on('data', (d) => {
        const m = /running: open http:\/\/[^:]+:(\d+)\//.exec((out += d));
        if (m) resolve((clearTimeout(timer), Number(m[1])));
      });
      proc.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/rtc-call.js`, { signal: AbortSignal.timeout(10000) });
    return { status: res.status, body: await res.text(), stderr };
  } finally {
    proc.kill();
  }
}

test('a server installed without the widget answers /rtc-call.js with 503 and says why; beside it, it serves it', async () => {
  // Under the repository's tmp/, so express and the rest resolve from its node_modules, as they would from a site's.
  const base = join(ROOT, 'tmp', `server-copy-${process.pid}`);
  try {
    mkdirSync(join(base, 'alone'), { recursive: true });
    const alone = await scriptFromCopy(join(base, 'alone'));
    assert.equal(alone.status, 503);
    assert.match(alone.body, /not installed beside this server: `npm install rtc-call`/);
    assert.match(alone.stderr, /the widget \(the rtc-call package\) is not installed/);

    mkdirSync(join(base, 'beside', 'node_modules'), { recursive: true });
    symlinkSync(ROOT, join(base, 'beside', 'node_modules', 'rtc-call'));
    const beside = await scriptFromCopy(join(base, 'beside'));
    assert.equal(beside.status, 200);
    assert.equal(beside.body, readFileSync(join(ROOT, 'dist', 'rtc-call.js'), 'utf8'));
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
