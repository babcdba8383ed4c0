import { expect } from '@open-wc/testing';
import {
  CHUNK,
  Files,
  HIGH_WATER,
  MAX_PENDING,
  WINDOW,
  safeName,
  type FileTransfer,
  type TransferState,
} from './files.js';
import type { FeatureMessage } from './types.js';
import { until } from '../test-support.js';

/**
 * Two Files joined by a real RTCPeerConnection pair in this page (loopback host candidates, no servers): the file
 * channels are real data channels with real buffers; the control messages are handed over on a task, as JSON.
 */
async function pair() {
  const pcA = new RTCPeerConnection({ iceServers: [] });
  const pcB = new RTCPeerConnection({ iceServers: [] });
  pcA.onicecandidate = (e) => e.candidate && void pcB.addIceCandidate(e.candidate);
  pcB.onicecandidate = (e) => e.candidate && void pcA.addIceCandidate(e.candidate);
  // The SCTP association exists from the start, as the call's control channel makes it.
  pcA.createDataChannel('rtc-control', { negotiated: true, id: 0 });
  pcB.createDataChannel('rtc-control', { negotiated: true, id: 0 });
  const wire: { from: string; m: FeatureMessage }[] = [];
  const side = (self: string, pc: RTCPeerConnection, other: () => Files) =>
    new Files({
      send: (_to, m) => {
        wire.push({ from: self, m });
        const copy = JSON.parse(JSON.stringify(m)) as FeatureMessage;
        setTimeout(() => other().receive(self, copy));
        return true;
      },
      openChannel: (_id, label) => pc.createDataChannel(label, { ordered: true }),
      nameOf: (id) => (id === 'A' ? 'Ana' : 'Ben'),
    });
  const a: Files = side('A', pcA, () => b);
  const b: Files = side('B', pcB, () => a);
  pcB.ondatachannel = (e) => b.channel('A', e.channel);
  pcA.ondatachannel = (e) => a.channel('B', e.channel);
  await pcA.setLocalDescription();
  await pcB.setRemoteDescription(pcA.localDescription!);
  await pcB.setLocalDescription();
  await pcA.setRemoteDescription(pcB.localDescription!);
  const close = () => {
    pcA.close();
    pcB.close();
  };
  return { a, b, wire, close };
}

function randomBlob(bytes: number): Blob {
  const data = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(data.subarray(i, Math.min(bytes, i + 65536)));
  return new Blob([data], { type: 'application/octet-stream' });
}

async function sha256(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, '0')).join('');
}

const states = (t: FileTransfer) => {
  const seen: TransferState[] = [t.state];
  t.on('state', (s) => seen.push(s));
  return seen;
};

describe('Files (engine, a real RTCPeerConnection pair)', () => {
  let close = () => {};
  afterEach(() => close());

  it('a 3 MB file arrives byte-identical, with progress on both sides and the buffer never over its mark', async () => {
    const p = await pair();
    close = p.close;
    const file = new File([randomBlob(3 * 1024 * 1024 + 123)], 'report.bin', { type: 'application/octet-stream' });
    const [out] = p.a.offer(file, ['B']);
    expect(out).to.deep.include({ direction: 'send', state: 'offered', name: 'report.bin', size: file.size });
    await until(() => p.b.transfers.length === 1, 'the offer to arrive');
    const inc = p.b.transfers[0];
    expect(inc).to.deep.include({ direction: 'receive', state: 'offered', name: 'report.bin', size: file.size });
    expect(inc.peer).to.deep.equal({ id: 'A', name: 'Ana' });
    const sent: number[] = [];
    const got: number[] = [];
    out.on('progress', (n) => sent.push(n));
    inc.on('progress', (n) => got.push(n));
    inc.accept();
    await until(() => out.state === 'done' && inc.state === 'done', 'both sides done', 30000);
    expect(await sha256(inc.blob!)).to.equal(await sha256(file));
    expect(inc.blob!.type).to.equal('application/octet-stream');
    expect(inc.bytes).to.equal(file.size);
    expect(got.at(-1)).to.equal(file.size);
    expect(got.length).to.be.at.least(Math.ceil(file.size / CHUNK));
    expect(sent.length).to.be.greaterThan(2);
    expect(out.peakBuffered).to.be.greaterThan(0);
    expect(out.peakBuffered).to.be.at.most(HIGH_WATER);
  });

  it('the sender never has more than WINDOW unacknowledged (a busy receiver is not flooded)', async () => {
    const p = await pair();
    close = p.close;
    const file = randomBlob(3 * WINDOW);
    const [out] = p.a.offer(file, ['B']);
    await until(() => p.b.transfers.length === 1, 'the offer');
    p.b.transfers[0].accept();
    await until(() => out.state === 'done' && p.b.transfers[0].state === 'done', 'both done', 60000);
    expect(out.peakInFlight).to.be.greaterThan(0);
    expect(out.peakInFlight).to.be.at.most(WINDOW);
    expect(await sha256(p.b.transfers[0].blob!)).to.equal(await sha256(file));
  });

  it('refused: both sides say so, and nothing is sent', async () => {
    const p = await pair();
    close = p.close;
    const [out] = p.a.offer(new File(['hello'], 'a.txt', { type: 'text/plain' }), ['B']);
    const seen = states(out);
    await until(() => p.b.transfers.length === 1, 'the offer');
    p.b.transfers[0].refuse();
    await until(() => out.state === 'refused', 'the sender to hear it');
    expect(seen).to.deep.equal(['offered', 'refused']);
    expect(p.b.transfers[0].state).to.equal('refused');
  });

  for (const who of ['sender', 'receiver'] as const)
    it(`cancelled by the ${who} in the middle: both sides stop, and a next file still goes`, async () => {
      const p = await pair();
      close = p.close;
      const [out] = p.a.offer(new File([randomBlob(20 * 1024 * 1024)], 'big.bin'), ['B']);
      await until(() => p.b.transfers.length === 1, 'the offer');
      const inc = p.b.transfers[0];
      inc.accept();
      await until(() => inc.bytes > 1024 * 1024, 'a megabyte to arrive');
      (who === 'sender' ? out : inc).cancel();
      await until(() => out.state === 'cancelled' && inc.state === 'cancelled', 'both to say cancelled');
      expect(inc.blob).to.equal(undefined);
      const [next] = p.a.offer(new File(['small'], 'next.txt'), ['B']);
      await until(() => p.b.transfers.length === 2, 'the next offer');
      p.b.transfers[1].accept();
      await until(() => next.state === 'done' && p.b.transfers[1].state === 'done', 'the next file');
      expect(await p.b.transfers[1].blob!.text()).to.equal('small');
    });

  it('an empty file arrives as an empty file', async () => {
    const p = await pair();
    close = p.close;
    const [out] = p.a.offer(new File([], 'empty.txt'), ['B']);
    await until(() => p.b.transfers.length === 1, 'the offer');
    p.b.transfers[0].accept();
    await until(() => out.state === 'done' && p.b.transfers[0].state === 'done', 'both done');
    expect(p.b.transfers[0].blob!.size).to.equal(0);
  });

  it("drops a hostile peer's bad offers, refuses more than MAX_PENDING waiting, and stops on extra bytes", async () => {
    const p = await pair();
    close = p.close;
    const fid = (n: number) => `Fid${String(n).padStart(13, '0')}`;
    const offer = (fields: Record<string, unknown>) =>
      p.b.receive('A', { v: 1, t: 'file-offer', fid: fid(0), name: 'x', size: 1, mime: '', ...fields });
    offer({ fid: '../../etc' });
    offer({ size: -1 });
    offer({ size: 1.5 });
    offer({ size: 2 ** 40 });
    offer({ size: '1' });
    offer({ name: 7 });
    offer({ mime: 'text/html; <script>' });
    expect(p.b.transfers).to.deep.equal([]);
    for (let i = 1; i <= MAX_PENDING + 3; i++) offer({ fid: fid(i) });
    expect(p.b.transfers.length).to.equal(MAX_PENDING);
    const refusals = () => p.wire.filter((w) => w.from === 'B' && w.m.t === 'file-refuse').length;
    expect(refusals()).to.equal(3);
    // A name is a name, not a path.
    expect(safeName('../../.ssh/id_rsa')).to.equal('id_rsa');
    expect(safeName('C:\\Windows\\evil.exe')).to.equal('evil.exe');
    expect(safeName('a\u0000b\nc')).to.equal('abc');
    expect(safeName('')).to.equal('file');
  });

  it('a receiver that gets more bytes than offered cancels', async () => {
    const p = await pair();
    close = p.close;
    // A sender that lies: offers 10 bytes, sends 20 KB.
    const [out] = p.a.offer(new File([new Uint8Array(20000)], 'liar.bin'), ['B']);
    await until(() => p.b.transfers.length === 1, 'the offer');
    const inc = p.b.transfers[0];
    (inc as unknown as { size: number }).size = 10;
    inc.accept();
    await until(() => inc.state === 'cancelled', 'the receiver to stop');
    await until(() => out.state === 'cancelled', 'the sender to hear it');
    expect(inc.blob).to.equal(undefined);
  });
});
