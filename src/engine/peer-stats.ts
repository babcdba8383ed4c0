/**
 * Facts about the connection to one peer, read from getStats: for pages that show them ("connection details"), and
 * for tests. Loaded with the first `call.stats()`, as a chunk of its own.
 */
export interface PeerStats {
  /** How the connection stands: its `connectionState`. */
  state: RTCPeerConnectionState;
  /**
   * The control channel (our own messages: mute and camera state, pings, renegotiation): `connecting`, `open`,
   * `closing` or `closed`.
   */
  control?: RTCDataChannelState;
  /** The path ICE chose, once it has. */
  route?: PeerRoute;
  /** Bytes over all of this peer's connections (media and data), as counted by their transports. */
  bytesSent: number;
  bytesReceived: number;
  /** Our microphone to them, and theirs to us. */
  audio: MediaStats;
  /** Our camera to them, and theirs to us. */
  video: MediaStats;
}

export interface PeerRoute {
  /** Straight to the peer (`direct`: a host or reflexive candidate) or through a TURN server (`relay`). */
  type: 'direct' | 'relay';
  /** How our packets leave: `udp` or `tcp`, and for a relay also `tls`. */
  protocol: string;
  /** The selected pair's candidate types, ours and theirs: `host`, `srflx`, `prflx` or `relay`. */
  local: string;
  remote: string;
  /** For a relay of ours: the TURN server's URL, as in the ICE servers. */
  server?: string;
}

/** One kind of media (audio or video) on the connection: what we send, and what we receive. */
export interface MediaStats {
  send?: SentMedia;
  receive?: ReceivedMedia;
}

export interface SentMedia {
  /** False while we send none of it: the receiver shows none of our video, or the link is too weak for video. */
  active: boolean;
  /** How much smaller than captured we send the video (1: full size, 2: half the width and height). */
  scale: number;
  /** The cap on frames per second, when there is one. */
  maxFramerate?: number;
  /** The cap on bits per second, when there is one. */
  maxBitrate?: number;
  /** The id of the MediaStreamTrack sent (one of `localStream`'s); undefined while none is (a camera turned off). */
  trackId?: string;
  /** The codec, as its MIME subtype (`opus`, `VP8`), once media has flowed. */
  codec?: string;
  /** Video: frames encoded so far, and the size of the latest. */
  framesEncoded?: number;
  frameWidth?: number;
  frameHeight?: number;
}

export interface ReceivedMedia {
  /** The codec, as its MIME subtype (`opus`, `VP8`), once media has flowed. */
  codec?: string;
  /** Video: frames decoded so far, and the size of the latest. */
  framesDecoded?: number;
  frameWidth?: number;
  frameHeight?: number;
}

/** An entry of an RTCStatsReport, with the fields read here (each type has some of them). */
interface Entry {
  type: string;
  [field: string]: unknown;
}

/** What the connection itself tells, beside its report: for each kind, its transceiver's mid and sent encoding. */
export interface Senders {
  audio?: { mid: string | null; encoding?: RTCRtpEncodingParameters };
  video?: { mid: string | null; encoding?: RTCRtpEncodingParameters };
}

/** The candidate pair a report's transport uses, or the nominated, succeeded one where transports do not say. */
function selectedPair(report: RTCStatsReport): Entry | undefined {
  let pair: Entry | undefined;
  report.forEach((r: Entry) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) pair ??= report.get(r.selectedCandidatePairId as string);
  });
  report.forEach((r: Entry) => {
    if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair ??= r;
  });
  return pair;
}

function route(report: RTCStatsReport): PeerRoute | undefined {
  const pair = selectedPair(report);
  const local: Entry | undefined = report.get(pair?.localCandidateId as string);
  const remote: Entry | undefined = report.get(pair?.remoteCandidateId as string);
  if (!local || !remote) return undefined;
  const relay = local.candidateType === 'relay';
  return {
    type: relay ? 'relay' : 'direct',
    protocol: ((relay && local.relayProtocol) || local.protocol || '') as string,
    local: local.candidateType as string,
    remote: remote.candidateType as string,
    server: relay ? (local.url as string | undefined) : undefined,
  };
}

/** The report's entry of `type` for the transceiver `mid`, and its codec's name. */
function rtp(report: RTCStatsReport, type: string, mid: string | null | undefined): [Entry?, string?] {
  let found: Entry | undefined;
  report.forEach((r: Entry) => {
    if (r.type === type && mid != null && r.mid === mid) found = r;
  });
  const mime = (report.get(found?.codecId as string) as Entry | undefined)?.mimeType as string | undefined;
  return [found, mime?.split('/')[1]];
}

function media(report: RTCStatsReport, sender: Senders['audio']): MediaStats {
  const [out, sentCodec] = rtp(report, 'outbound-rtp', sender?.mid);
  const [inb, receivedCodec] = rtp(report, 'inbound-rtp', sender?.mid);
  const e = sender?.encoding;
  const source: Entry | undefined = report.get(out?.mediaSourceId as string);
  return {
    send: e && {
      active: e.active !== false,
      scale: e.scaleResolutionDownBy ?? 1,
      maxFramerate: e.maxFramerate,
      maxBitrate: e.maxBitrate,
      trackId: source?.trackIdentifier as string | undefined,
      codec: sentCodec,
      framesEncoded: out?.framesEncoded as number | undefined,
      frameWidth: out?.frameWidth as number | undefined,
      frameHeight: out?.frameHeight as number | undefined,
    },
    receive: inb && {
      codec: receivedCodec,
      framesDecoded: inb.framesDecoded as number | undefined,
      frameWidth: inb.frameWidth as number | undefined,
      frameHeight: inb.frameHeight as number | undefined,
    },
  };
}

/**
 * The facts of a peer's connections: their reports (the first is the media connection, whose route and media are
 * told), its state and its senders when asked. Pure, for unit tests with a fake report.
 */
export function summarize(reports: RTCStatsReport[], state: RTCPeerConnectionState, senders: Senders): PeerStats {
  let bytesSent = 0;
  let bytesReceived = 0;
  let control: RTCDataChannelState | undefined;
  for (const report of reports)
    report.forEach((r: Entry) => {
      if (r.type === 'transport') {
        bytesSent += (r.bytesSent as number) ?? 0;
        bytesReceived += (r.bytesReceived as number) ?? 0;
      }
      // The label peer-link.ts gives it.
      if (r.type === 'data-channel' && r.label === 'rtc-control') control ??= r.state as RTCDataChannelState;
    });
  return {
    state,
    control,
    route: route(reports[0]),
    bytesSent,
    bytesReceived,
    audio: media(reports[0], senders.audio),
    video: media(reports[0], senders.video),
  };
}

/** The first transceiver of each kind: the microphone's and the camera's (mesh.ts puts them first). */
function senders(pc: RTCPeerConnection): Senders {
  const of = (kind: string) => {
    const t = pc.getTransceivers().find((t) => t.receiver.track.kind === kind);
    return t && { mid: t.mid, encoding: t.sender.getParameters().encodings?.[0] };
  };
  return { audio: of('audio'), video: of('video') };
}

/** Reads the stats of a peer's connections, the media connection first; undefined when there is none. */
export async function readPeerStats(connections: RTCPeerConnection[]): Promise<PeerStats | undefined> {
  const [pc] = connections;
  if (!pc) return undefined;
  // As it is when asked, not after the reports come.
  const state = pc.connectionState;
  const sent = senders(pc);
  return summarize(await Promise.all(connections.map((c) => c.getStats())), state, sent);
}
