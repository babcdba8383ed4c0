import { expect } from '@open-wc/testing';
import { summarize, type Senders } from './peer-stats.js';

/** A fake RTCStatsReport: a Map of entries by id, as getStats gives (forEach and get are all that is read). */
const report = (...entries: { id: string; type: string; [field: string]: unknown }[]) =>
  new Map(entries.map((e) => [e.id, e])) as unknown as RTCStatsReport;

/** A connection that has chosen a relayed pair over TCP and sends and receives both kinds. */
const relayed = () =>
  report(
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P', bytesSent: 1000, bytesReceived: 2000 },
    { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', state: 'succeeded' },
    // Not selected, though nominated and succeeded: the transport's choice comes first.
    {
      id: 'P2',
      type: 'candidate-pair',
      localCandidateId: 'L2',
      remoteCandidateId: 'R',
      nominated: true,
      state: 'succeeded',
    },
    {
      id: 'L',
      type: 'local-candidate',
      candidateType: 'relay',
      protocol: 'udp',
      relayProtocol: 'tcp',
      url: 'turn:t.example:3478?transport=tcp',
    },
    { id: 'L2', type: 'local-candidate', candidateType: 'host', protocol: 'udp' },
    { id: 'R', type: 'remote-candidate', candidateType: 'srflx', protocol: 'udp' },
    { id: 'C', type: 'data-channel', label: 'rtc-control', state: 'open' },
    { id: 'D', type: 'data-channel', label: 'rtc-data', state: 'connecting' },
    { id: 'OA', type: 'outbound-rtp', kind: 'audio', mid: '0', codecId: 'opus', mediaSourceId: 'SA' },
    {
      id: 'OV',
      type: 'outbound-rtp',
      kind: 'video',
      mid: '1',
      codecId: 'vp8',
      mediaSourceId: 'SV',
      framesEncoded: 90,
      frameWidth: 640,
      frameHeight: 360,
    },
    // A second video (a screen, one day) on another transceiver: not the camera's.
    { id: 'OS', type: 'outbound-rtp', kind: 'video', mid: '3', codecId: 'vp8', framesEncoded: 7 },
    { id: 'SA', type: 'media-source', kind: 'audio', trackIdentifier: 'mic-1' },
    { id: 'SV', type: 'media-source', kind: 'video', trackIdentifier: 'cam-1' },
    { id: 'IA', type: 'inbound-rtp', kind: 'audio', mid: '0', codecId: 'opus' },
    {
      id: 'IV',
      type: 'inbound-rtp',
      kind: 'video',
      mid: '1',
      codecId: 'vp8',
      framesDecoded: 80,
      frameWidth: 320,
      frameHeight: 180,
    },
    { id: 'opus', type: 'codec', mimeType: 'audio/opus' },
    { id: 'vp8', type: 'codec', mimeType: 'video/VP8' },
  );

const senders: Senders = {
  audio: { mid: '0', encoding: { active: true } },
  video: { mid: '1', encoding: { active: false, scaleResolutionDownBy: 2, maxFramerate: 15, maxBitrate: 300000 } },
};

describe('peer stats (summarize)', () => {
  it('tells the route, the control channel, the bytes and each kind sent and received', () => {
    expect(summarize([relayed()], 'connected', senders)).to.deep.equal({
      state: 'connected',
      control: 'open',
      route: {
        type: 'relay',
        protocol: 'tcp',
        local: 'relay',
        remote: 'srflx',
        server: 'turn:t.example:3478?transport=tcp',
      },
      bytesSent: 1000,
      bytesReceived: 2000,
      audio: {
        send: {
          active: true,
          scale: 1,
          maxFramerate: undefined,
          maxBitrate: undefined,
          trackId: 'mic-1',
          codec: 'opus',
          framesEncoded: undefined,
          frameWidth: undefined,
          frameHeight: undefined,
        },
        receive: { codec: 'opus', framesDecoded: undefined, frameWidth: undefined, frameHeight: undefined },
      },
      video: {
        send: {
          active: false,
          scale: 2,
          maxFramerate: 15,
          maxBitrate: 300000,
          trackId: 'cam-1',
          codec: 'VP8',
          framesEncoded: 90,
          frameWidth: 640,
          frameHeight: 360,
        },
        receive: { codec: 'VP8', framesDecoded: 80, frameWidth: 320, frameHeight: 180 },
      },
    });
  });

  it('takes the nominated, succeeded pair where no transport names one; direct has no server', () => {
    const stats = summarize(
      [
        report(
          { id: 'T', type: 'transport', bytesSent: 5, bytesReceived: 6 },
          {
            id: 'P0',
            type: 'candidate-pair',
            localCandidateId: 'L',
            remoteCandidateId: 'R',
            nominated: true,
            state: 'in-progress',
          },
          {
            id: 'P',
            type: 'candidate-pair',
            localCandidateId: 'L',
            remoteCandidateId: 'R',
            nominated: true,
            state: 'succeeded',
          },
          { id: 'L', type: 'local-candidate', candidateType: 'host', protocol: 'udp', url: 'stun:s.example' },
          { id: 'R', type: 'remote-candidate', candidateType: 'prflx', protocol: 'udp' },
        ),
      ],
      'connected',
      {},
    );
    expect(stats.route).to.deep.equal({
      type: 'direct',
      protocol: 'udp',
      local: 'host',
      remote: 'prflx',
      server: undefined,
    });
  });

  it('before ICE has chosen and media has flowed: no route, nothing received, bytes at 0', () => {
    const stats = summarize(
      [report({ id: 'C', type: 'data-channel', label: 'rtc-control', state: 'connecting' })],
      'connecting',
      { audio: { mid: null, encoding: { active: true } }, video: { mid: null } },
    );
    expect(stats).to.deep.include({
      state: 'connecting',
      control: 'connecting',
      route: undefined,
      bytesSent: 0,
      bytesReceived: 0,
    });
    expect(stats.audio.send).to.include({ active: true, scale: 1, trackId: undefined, codec: undefined });
    expect(stats.audio.receive).to.be.undefined;
    // No encoding yet: nothing to say of what is sent.
    expect(stats.video).to.deep.equal({ send: undefined, receive: undefined });
  });

  it('counts the bytes of every connection to the peer; route and media are the first one`s', () => {
    const other = report(
      { id: 'T', type: 'transport', bytesSent: 1, bytesReceived: 2 },
      { id: 'X', type: 'inbound-rtp', kind: 'video', mid: '1', framesDecoded: 999 },
    );
    const stats = summarize([relayed(), other], 'connected', senders);
    expect([stats.bytesSent, stats.bytesReceived]).to.deep.equal([1001, 2002]);
    expect(stats.video.receive?.framesDecoded).to.equal(80);
  });
});
