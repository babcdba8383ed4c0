import { expect } from '@open-wc/testing';
import { sha256 } from './sha256.js';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('sha256', () => {
  it('gives the known digests, and what crypto.subtle gives for every length across the block boundaries', async () => {
    const enc = new TextEncoder();
    expect(hex(sha256(enc.encode('')))).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256(enc.encode('abc')))).to.equal('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    for (let n = 0; n <= 200; n++) {
      const data = crypto.getRandomValues(new Uint8Array(n));
      const want = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
      expect(hex(sha256(data)), `${n} bytes`).to.equal(hex(want));
    }
  });
});
