import { expect } from '@open-wc/testing';
import { MAX_MESSAGE_BYTES, MAX_TOPIC_LENGTH, decodeTopicMessage, encodeTopicMessage } from './data-topics.js';

/** The code of the RtcError `f` throws, or a failure if it throws none. */
function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect((err as Error).name).to.equal('RtcError');
    return (err as { code: string }).code;
  }
  throw new Error('expected an RtcError');
}

/** The length of `{"v":1,"topic":"t","data":""}` with `n` ASCII characters in the string. */
const stringMessage = (n: number) => encodeTopicMessage('t', 'x'.repeat(n));
const OVERHEAD = stringMessage(0).length;

describe('data topics: the wire format and its checks', () => {
  it('encodes and decodes topic and data as JSON, unchanged', () => {
    const data = { n: 3, s: 'ü €', list: [true, null, 1.5], nested: { a: [] } };
    expect(decodeTopicMessage(encodeTopicMessage('counter', data))).to.deep.equal({ topic: 'counter', data });
    expect(decodeTopicMessage(encodeTopicMessage('x', null))).to.deep.equal({ topic: 'x', data: null });
    expect(decodeTopicMessage(encodeTopicMessage('x', 0))).to.deep.equal({ topic: 'x', data: 0 });
  });

  it('a topic is a string of 1 to 64 characters', () => {
    for (const topic of ['', 'x'.repeat(MAX_TOPIC_LENGTH + 1), 7, null, undefined, {}])
      expect(codeOf(() => encodeTopicMessage(topic, 1))).to.equal('invalid-topic');
    expect(() => encodeTopicMessage('x'.repeat(MAX_TOPIC_LENGTH), 1)).not.to.throw();
  });

  it('data that JSON cannot hold is invalid-data', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const data of [undefined, () => 1, Symbol('s'), 10n, cycle])
      expect(codeOf(() => encodeTopicMessage('t', data))).to.equal('invalid-data');
  });

  it('the limit is 64 KiB of UTF-8 JSON: at it passes, one byte past it is data-too-large', () => {
    expect(MAX_MESSAGE_BYTES).to.equal(65536);
    expect(stringMessage(MAX_MESSAGE_BYTES - OVERHEAD).length).to.equal(MAX_MESSAGE_BYTES);
    expect(codeOf(() => stringMessage(MAX_MESSAGE_BYTES - OVERHEAD + 1))).to.equal('data-too-large');
    // Bytes, not characters: '€' is three bytes in UTF-8.
    const euros = Math.floor((MAX_MESSAGE_BYTES - OVERHEAD) / 3) + 1;
    expect(codeOf(() => encodeTopicMessage('t', '€'.repeat(euros)))).to.equal('data-too-large');
    expect(() => encodeTopicMessage('t', '€'.repeat(euros - 1))).not.to.throw();
  });

  it("a peer's bad message decodes to undefined, never throws", () => {
    const ok = encodeTopicMessage('t', 1);
    for (const raw of [
      'not json',
      '',
      'null',
      '[1]',
      '"text"',
      JSON.stringify({ v: 2, topic: 't', data: 1 }),
      JSON.stringify({ v: 1, topic: '', data: 1 }),
      JSON.stringify({ v: 1, topic: 'x'.repeat(MAX_TOPIC_LENGTH + 1), data: 1 }),
      JSON.stringify({ v: 1, topic: 5, data: 1 }),
      JSON.stringify({ v: 1, topic: 't' }),
      JSON.stringify({ v: 1, topic: 't', data: 'x'.repeat(MAX_MESSAGE_BYTES) }),
      JSON.stringify({ v: 1, topic: 't', data: '€'.repeat(MAX_MESSAGE_BYTES / 3) }),
      new ArrayBuffer(8),
      undefined,
    ])
      expect(decodeTopicMessage(raw), String(raw).slice(0, 40)).to.equal(undefined);
    expect(decodeTopicMessage(ok)).to.deep.equal({ topic: 't', data: 1 });
  });
});
