/**
 * Which video codec to prefer on a connection: one that this page, or the one at the other end, encodes and decodes
 * in hardware (H.264 on Safari and iOS, often on phones and Macs), so its battery and CPU are spared. VP8 stays
 * everyone's fallback: the preference only reorders what both sides support, and negotiation keeps the rest.
 */

/** Codecs worth preferring when the hardware does them, best first. */
const CANDIDATES = ['video/H264', 'video/VP9', 'video/AV1'];
/** What the probe asks about: the largest video we send. */
const PROBE = { width: 1280, height: 720, bitrate: 1_500_000, framerate: 30 };

type Capabilities = Pick<MediaCapabilities, 'decodingInfo' | 'encodingInfo'>;

async function efficient(ask: () => Promise<{ supported: boolean; powerEfficient: boolean }>): Promise<boolean> {
  try {
    const info = await ask();
    return info.supported && info.powerEfficient;
  } catch {
    // A browser that cannot answer for WebRTC (type 'webrtc'): no preference.
    return false;
  }
}

/** The first candidate codec that `caps` says is power-efficient both ways for WebRTC, or undefined. */
export async function probeHardwareCodec(caps: Capabilities | undefined): Promise<string | undefined> {
  if (!caps?.decodingInfo || !caps.encodingInfo) return undefined;
  for (const contentType of CANDIDATES) {
    const video = { contentType, ...PROBE };
    const [decodes, encodes] = await Promise.all([
      efficient(() => caps.decodingInfo({ type: 'webrtc', video } as MediaDecodingConfiguration)),
      efficient(() => caps.encodingInfo({ type: 'webrtc', video } as MediaEncodingConfiguration)),
    ]);
    if (decodes && encodes) return contentType;
  }
  return undefined;
}

let probe: Promise<string | undefined> | undefined;

/** This page's hardware codec (probed once per page). */
export function hardwareCodec(): Promise<string | undefined> {
  probe ??= probeHardwareCodec(globalThis.navigator?.mediaCapabilities);
  return probe;
}

/** `codecs` with those of type `mime` first (case aside, as SDP has it), the rest in their order. */
export function orderCodecs<C extends { mimeType: string }>(codecs: readonly C[], mime: string): C[] {
  const wanted = mime.toLowerCase();
  const first = codecs.filter((c) => c.mimeType.toLowerCase() === wanted);
  return first.length ? [...first, ...codecs.filter((c) => c.mimeType.toLowerCase() !== wanted)] : [...codecs];
}

/**
 * The codec listed first for the m-section `mid` of `sdp` ("video/H264"), or undefined. What a connection sends is the
 * first codec of the other side's description that it supports, so the local and remote descriptions' first codecs
 * are what each direction carries. (The senders' and receivers' getParameters() list codecs in an order of their own.)
 */
export function firstCodec(sdp: string | undefined, mid: string | null): string | undefined {
  const section = sdp?.split(/\r?\nm=/).find((s) => s.split(/\r?\n/).includes(`a=mid:${mid}`));
  const [kind, , , pt] = section?.split(/[\r\n]/)[0].split(' ') ?? [];
  const name = section?.match(new RegExp(`^a=rtpmap:${pt} ([^/\\s]+)`, 'm'))?.[1];
  return name && `${kind.replace(/^m=/, '')}/${name}`;
}
