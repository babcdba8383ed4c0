import { expect } from '@open-wc/testing';
import { firstCodec, orderCodecs, probeHardwareCodec } from './codecs.js';

type Info = { supported: boolean; powerEfficient: boolean; smooth: boolean };

/** MediaCapabilities that answer from a table: codec → [decodes efficiently, encodes efficiently]. */
function capabilities(table: Record<string, [boolean, boolean]>, asked: string[] = []) {
  const answer = (which: 0 | 1) => async (config: { type: string; video?: { contentType: string } }) => {
    const mime = config.video?.contentType ?? '';
    asked.push(`${which ? 'encode' : 'decode'} ${config.type} ${mime}`);
    const efficient = table[mime]?.[which] ?? false;
    return { supported: mime in table, powerEfficient: efficient, smooth: true } satisfies Info;
  };
  return { decodingInfo: answer(0), encodingInfo: answer(1) } as unknown as MediaCapabilities;
}

const codecs = ['video/VP8', 'video/rtx', 'video/H264', 'video/VP9', 'video/H264', 'video/AV1'].map((mimeType) => ({
  mimeType,
}));

describe('codecs: the video codec to prefer', () => {
  it('a page that encodes and decodes H.264 in hardware (Safari, iOS) prefers it, asking about WebRTC', async () => {
    const asked: string[] = [];
    const got = await probeHardwareCodec(
      capabilities({ 'video/H264': [true, true], 'video/VP8': [false, false] }, asked),
    );
    expect(got).to.equal('video/H264');
    expect(asked).to.include('decode webrtc video/H264').and.to.include('encode webrtc video/H264');
  });

  it('decoding in hardware is not enough: the page must encode it in hardware too', async () => {
    expect(
      await probeHardwareCodec(capabilities({ 'video/H264': [true, false], 'video/VP9': [false, true] })),
    ).to.equal(undefined);
    expect(
      await probeHardwareCodec(capabilities({ 'video/H264': [false, false], 'video/VP9': [true, true] })),
    ).to.equal('video/VP9');
  });

  it('no hardware codec, no MediaCapabilities, or one that throws for WebRTC: no preference', async () => {
    expect(await probeHardwareCodec(capabilities({ 'video/VP8': [false, false] }))).to.equal(undefined);
    expect(await probeHardwareCodec(undefined)).to.equal(undefined);
    const throwing = {
      decodingInfo: () => Promise.reject(new TypeError('webrtc is not a valid type')),
      encodingInfo: () => Promise.reject(new TypeError('webrtc is not a valid type')),
    } as unknown as MediaCapabilities;
    expect(await probeHardwareCodec(throwing)).to.equal(undefined);
  });

  it('orderCodecs puts every entry of the codec first, and keeps the order of the rest', () => {
    const order = (mime: string) => orderCodecs(codecs, mime).map((c) => c.mimeType);
    expect(order('video/h264')).to.deep.equal([
      'video/H264',
      'video/H264',
      'video/VP8',
      'video/rtx',
      'video/VP9',
      'video/AV1',
    ]);
    // A codec the browser does not have changes nothing (negotiation falls back to what both have).
    expect(order('video/H265')).to.deep.equal(codecs.map((c) => c.mimeType));
  });

  it('reads the codec a description lists first for one m-section, by its mid', () => {
    const sdp = [
      'v=0',
      'm=audio 9 UDP/TLS/RTP/SAVPF 111 63',
      'a=mid:0',
      'a=rtpmap:111 opus/48000/2',
      'm=video 9 UDP/TLS/RTP/SAVPF 102 103 96',
      'a=mid:1',
      'a=rtpmap:96 VP8/90000',
      'a=rtpmap:102 H264/90000',
      'a=rtpmap:103 rtx/90000',
      'm=video 9 UDP/TLS/RTP/SAVPF 96 102',
      'a=mid:10',
      'a=rtpmap:96 VP8/90000',
      'a=rtpmap:102 H264/90000',
      '',
    ].join('\r\n');
    expect(firstCodec(sdp, '1')).to.equal('video/H264');
    expect(firstCodec(sdp, '10'), 'mid 10 is not mid 1').to.equal('video/VP8');
    expect(firstCodec(sdp, '0')).to.equal('audio/opus');
    expect(firstCodec(sdp.replace(/\r\n/g, '\n'), '1'), 'bare newlines').to.equal('video/H264');
    expect(firstCodec(sdp, '2')).to.equal(undefined);
    expect(firstCodec(undefined, '1')).to.equal(undefined);
    expect(firstCodec(sdp, null)).to.equal(undefined);
  });
});
