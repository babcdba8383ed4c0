/** Facts about the connection to one peer, read from getStats: for pages that show them, and for tests. */
export interface PeerStats {
  /** How the media connection stands. */
  state: RTCPeerConnectionState;
  /**
   * The path ICE chose, once it has: straight to the peer (`direct`, a host or reflexive candidate) or through a
   * TURN server (`relay`). `protocol` is how our packets leave: `udp` or `tcp`, and for a relay also `tls`.
   */
  route?: { type: 'direct' | 'relay'; protocol: string };
  /** Bytes over all of this peer's connections (media and data), as counted by their transports. */
  bytesSent: number;
  bytesReceived: number;
}

interface StatsEntry {
  type: string;
  selectedCandidatePairId?: string;
  localCandidateId?: string;
  nominated?: boolean;
  state?: string;
  candidateType?: string;
  protocol?: string;
  relayProtocol?: string;
  bytesSent?: number;
  bytesReceived?: number;
}

/** The candidate pair a report's transport uses, or the nominated, succeeded one where transports do not say. */
function selectedPair(report: RTCStatsReport): StatsEntry | undefined {
  let pair: StatsEntry | undefined;
  report.forEach((r: StatsEntry) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) pair ??= report.get(r.selectedCandidatePairId);
  });
  if (!pair)
    report.forEach((r: StatsEntry) => {
      if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair ??= r;
    });
  return pair;
}

function route(report: RTCStatsReport): PeerStats['route'] {
  const pair = selectedPair(report);
  const local: StatsEntry | undefined = pair?.localCandidateId ? report.get(pair.localCandidateId) : undefined;
  if (!local) return undefined;
  if (local.candidateType === 'relay') return { type: 'relay', protocol: local.relayProtocol ?? local.protocol ?? '' };
  return { type: 'direct', protocol: local.protocol ?? '' };
}

function bytes(report: RTCStatsReport): { sent: number; received: number } {
  let sent = 0;
  let received = 0;
  report.forEach((r: StatsEntry) => {
    if (r.type !== 'transport') return;
    sent += r.bytesSent ?? 0;
    received += r.bytesReceived ?? 0;
  });
  return { sent, received };
}

/** Reads the stats of a peer's connections, the media connection first (its state and route are the ones told). */
export async function readPeerStats(connections: RTCPeerConnection[]): Promise<PeerStats | undefined> {
  if (!connections.length) return undefined;
  const reports = await Promise.all(connections.map((pc) => pc.getStats()));
  const totals = reports.map(bytes);
  return {
    state: connections[0].connectionState,
    route: route(reports[0]),
    bytesSent: totals.reduce((n, t) => n + t.sent, 0),
    bytesReceived: totals.reduce((n, t) => n + t.received, 0),
  };
}
