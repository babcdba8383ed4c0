import { expect, fixture, fixtureCleanup, html, oneEvent } from '@open-wc/testing';
import type { RtcCall } from './rtc-call.js';
import type { LitElement } from 'lit';
import type { RtcVideoTile } from '../rtc-video-tile/rtc-video-tile.js';
import { executeServerCommand } from '@web/test-runner-commands';
import { brokers, drawn, rejection, until, sleep, uniqueRoom } from '../../test-support.js';
import type { RtcErrorDetail } from '../../engine/errors.js';
import type { PeerStats } from '../../engine/peer-stats.js';
import { Call } from '../../engine/call.js';
import './rtc-call.js';

const tiles = (el: RtcCall) => [...el.shadowRoot!.querySelectorAll<RtcVideoTile>('rtc-video-tile')];
const remoteTiles = (el: RtcCall) => tiles(el).filter((t) => !t.local);
const frames = (t: RtcVideoTile) => t.shadowRoot!.querySelector('video')!.getVideoPlaybackQuality().totalVideoFrames;
const part = (el: RtcCall, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

/** Two `no-prejoin` calls in one room, on one page, as soon as they are on it (each on its way in by itself). */
async function twoCalls(room = uniqueRoom()) {
  const wrap = await fixture<HTMLDivElement>(
    html`<div class="calls">
      <rtc-call no-prejoin id="a" server=${brokers.open} room=${room} name="Ana"></rtc-call>
      <rtc-call no-prejoin id="b" server=${brokers.open} room=${room} name="Ben"></rtc-call>
    </div>`,
  );
  return { a: wrap.querySelector<RtcCall>('#a')!, b: wrap.querySelector<RtcCall>('#b')! };
}

/** Two calls in one room, on one page, each with the other's video playing. */
async function pair(room = uniqueRoom()) {
  const { a, b } = await twoCalls(room);
  for (const el of [a, b]) {
    await until(
      () => remoteTiles(el).length === 1 && frames(remoteTiles(el)[0]) > 0,
      `${el.id} to see the other's video`,
    );
    // Its controls come with the render that follows the first picture.
    await drawn(el);
  }
  return { a, b, room };
}

/** Reads `call.stats(id)` until `check` holds; fails with the last read after 20 s. */
async function statsUntil(
  call: NonNullable<RtcCall['call']>,
  id: string,
  check: (s: PeerStats) => boolean,
  what: string,
): Promise<PeerStats> {
  const end = Date.now() + 20000;
  for (;;) {
    const stats = await call.stats(id);
    if (stats && check(stats)) return stats;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(stats)}`);
    await sleep(200);
  }
}

async function firstError(el: Promise<RtcCall> | RtcCall): Promise<RtcErrorDetail> {
  const call = await el;
  return (await oneEvent(call, 'rtc-error')).detail;
}

describe('rtc-call', () => {
  afterEach(() => fixtureCleanup());

  it('two calls in one room see each other, with frames advancing', async () => {
    const joined: string[] = [];
    const { a, b } = await pair();
    for (const el of [a, b]) {
      expect(el.callState).to.equal('joined');
      expect(tiles(el).length).to.equal(2);
      expect(tiles(el).filter((t) => t.local).length).to.equal(1);
      const remote = remoteTiles(el)[0];
      const before = frames(remote);
      await sleep(1000);
      expect(frames(remote)).to.be.greaterThan(before);
      joined.push(remote.shadowRoot!.querySelector('[part~="name"]')!.textContent!.trim());
    }
    expect(joined).to.deep.equal(['Ben', 'Ana']);
    await expect(a).to.be.accessible();
  });

  it('a new name reaches the others mid-call', async () => {
    const { a, b } = await pair();
    a.name = 'Ana María';
    await until(() => remoteTiles(b)[0].participant?.name === 'Ana María', 'B to see the new name');
    expect(tiles(a).find((t) => t.local)!.participant!.name).to.equal('Ana María');
    expect(a.callState).to.equal('joined');
  });

  it('the same name again tells no one: the first `name` the element passes on costs no second render', async () => {
    const call = new Call({ server: brokers.open, room: uniqueRoom(), name: 'Ana', audio: false, video: false });
    const joined = call.join();
    let told = 0;
    call.on('participants', () => told++);
    call.setName('Ana');
    expect(told).to.equal(0);
    call.setName('Ana B.');
    expect(told).to.equal(1);
    expect(call.participants[0].name).to.equal('Ana B.');
    await joined;
    await call.leave();
  });

  it('fires rtc-joined and rtc-participant-joined', async () => {
    const room = uniqueRoom();
    const a = await fixture<RtcCall>(
      html`<rtc-call no-prejoin server=${brokers.open} room=${room} name="Ana"></rtc-call>`,
    );
    const joined = await oneEvent(a, 'rtc-joined');
    expect(joined.detail.room).to.equal(room);
    expect(joined.detail.participant.local).to.be.true;
    const b = document.createElement('rtc-call');
    Object.assign(b, { noPrejoin: true, server: brokers.open, room, name: 'Ben' });
    setTimeout(() => a.after(b));
    const other = await oneEvent(a, 'rtc-participant-joined');
    expect(other.detail.participant.name).to.equal('Ben');
    expect(other.bubbles && other.composed).to.be.true;
    b.remove();
  });

  it('microphone and camera state reach the others; camera off shows initials and frees the camera', async () => {
    const { a, b } = await pair();
    part(a, 'mic-button')!.click();
    await until(() => remoteTiles(b)[0].audioMuted, 'B to see A muted');
    expect(part(a, 'mic-button')!.getAttribute('aria-pressed')).to.equal('false');
    expect(a.call!.media.track('audio')!.enabled).to.be.false;

    part(a, 'camera-button')!.click();
    await until(() => remoteTiles(b)[0].videoOff, 'B to see A camera off');
    expect(remoteTiles(b)[0].shadowRoot!.querySelector('[part~="avatar"]')!.textContent).to.equal('A');
    expect(a.call!.media.track('video')).to.be.null;
    expect(tiles(a).find((t) => t.local)!.videoOff).to.be.true;

    part(a, 'camera-button')!.click();
    await until(() => !remoteTiles(b)[0].videoOff, 'B to see A camera on');
    const tile = remoteTiles(b)[0];
    const before = frames(tile);
    await until(() => frames(tile) > before + 5, 'A video to flow again');
  });

  it('call.stats(id) tells how the connection to a peer stands: state, route, bytes, control channel, media', async () => {
    const { a, b } = await pair();
    const call = a.call!;
    const id = remoteTiles(a)[0].participant!.id;
    const read = (what: string, check: (s: PeerStats) => boolean) => statsUntil(call, id, check, what);
    const flowing = (s: PeerStats) =>
      !!s.route &&
      s.bytesReceived > 0 &&
      s.bytesSent > 0 &&
      !!s.audio.send?.codec &&
      !!s.audio.receive?.codec &&
      (s.video.send?.framesEncoded ?? 0) > 0 &&
      (s.video.receive?.framesDecoded ?? 0) > 0;
    const first = await read('a chosen route, bytes, and media both ways', flowing);
    expect(first.state).to.equal('connected');
    expect(first.control).to.equal('open');
    // Two tabs on one machine meet over loopback host candidates: no relay.
    expect(first.route).to.deep.equal({
      type: 'direct',
      protocol: 'udp',
      local: 'host',
      remote: 'host',
      server: undefined,
    });
    // What we send is our own camera and microphone.
    expect(first.audio.send).to.include({ active: true, trackId: call.media.track('audio')!.id, codec: 'opus' });
    expect(first.video.send).to.include({ active: true, trackId: call.media.track('video')!.id });
    expect(first.video.send!.scale).to.be.at.least(1);
    expect(first.video.send!.codec).to.be.oneOf(['VP8', 'VP9', 'H264', 'AV1']);
    expect(first.video.receive!.codec).to.equal(first.video.send!.codec);
    expect(first.audio.receive!.codec).to.equal('opus');
    // The size received is the size A's tile of Ben plays.
    const video = remoteTiles(a)[0].shadowRoot!.querySelector('video')!;
    await read(
      "the frame size that A's tile plays",
      (s) => s.video.receive?.frameWidth === video.videoWidth && s.video.receive?.frameHeight === video.videoHeight,
    );
    expect(video.videoHeight).to.be.greaterThan(0);
    await read(
      'bytes and frames to keep flowing both ways',
      (s) =>
        s.bytesReceived > first.bytesReceived &&
        s.bytesSent > first.bytesSent &&
        s.video.send!.framesEncoded! > first.video.send!.framesEncoded! &&
        s.video.receive!.framesDecoded! > first.video.receive!.framesDecoded!,
    );
    // Ben's camera off: his connection sends no track.
    await b.setCamera(false);
    await statsUntil(b.call!, call.seat!.id, (s) => !!s.video.send && !s.video.send.trackId, 'Ben to send no camera');
    expect(await call.stats('nobody-by-this-id')).to.be.undefined;
  });

  it('switches camera mid-call with replaceTrack, without renegotiation', async () => {
    const { a, b } = await pair();
    const call = a.call!;
    const peerId = remoteTiles(a)[0].participant!.id;
    const oldTrack = call.media.track('video')!;
    const before = await statsUntil(call, peerId, (s) => !!s.video.send?.trackId, 'the camera to be sent');
    expect(before.video.send!.trackId).to.equal(oldTrack.id);
    // A renegotiation by either call on the page sets descriptions: count them.
    let negotiations = 0;
    const proto = RTCPeerConnection.prototype;
    const { setLocalDescription, setRemoteDescription } = proto;
    proto.setLocalDescription = function (this: RTCPeerConnection, ...args: []) {
      negotiations++;
      return setLocalDescription.apply(this, args);
    };
    proto.setRemoteDescription = function (this: RTCPeerConnection, ...args: [RTCSessionDescriptionInit]) {
      negotiations++;
      return setRemoteDescription.apply(this, args);
    };
    try {
      part(a, 'devices-button')!.click();
      await a.updateComplete;
      // Built when opened: its own first render follows the call's.
      const picker = part(a, 'device-picker') as LitElement;
      await picker.updateComplete;
      expect(picker.hidden).to.be.false;
      const select = picker.shadowRoot!.querySelector<HTMLSelectElement>('select[data-kind="videoinput"]')!;
      // Chromium's fake_device_1 is a Y16 depth camera, which no encoder takes; fake_device_2 is an ordinary one.
      const other = [...select.options].find((o) => o.textContent === 'fake_device_2')!;
      expect(other.value).to.not.equal(oldTrack.getSettings().deviceId);
      select.value = other.value;
      select.dispatchEvent(new Event('change'));

      const after = await statsUntil(
        call,
        peerId,
        (s) => !!s.video.send?.trackId && s.video.send.trackId !== oldTrack.id,
        'the connection to send the new camera',
      );
      const track = call.media.track('video')!;
      expect(after.video.send!.trackId).to.equal(track.id);
      expect(track.getSettings().deviceId).to.equal(other.value);
      expect(oldTrack.readyState).to.equal('ended');
      const tile = remoteTiles(b)[0];
      const shown = frames(tile);
      await until(() => frames(tile) > shown + 5, 'B to keep receiving frames');
      expect(negotiations).to.equal(0);
      await expect(picker).to.be.accessible();
    } finally {
      Object.assign(proto, { setLocalDescription, setRemoteDescription });
    }
  });

  it('when the camera in use goes away, falls back to another and keeps sending', async () => {
    const { a, b } = await pair();
    const media = a.call!.media;
    const peerId = remoteTiles(a)[0].participant!.id;
    const unplugged = media.track('video')!;
    await statsUntil(a.call!, peerId, (s) => s.video.send?.trackId === unplugged.id, 'the camera to be sent');
    // What the browser does when a camera is unplugged: the track ends by itself.
    unplugged.stop();
    unplugged.dispatchEvent(new Event('ended'));
    await until(() => !!media.track('video') && media.track('video') !== unplugged, 'a replacement camera');
    await statsUntil(
      a.call!,
      peerId,
      (s) => s.video.send?.trackId === media.track('video')?.id,
      'the connection to send it',
    );
    const tile = remoteTiles(b)[0];
    const before = frames(tile);
    await until(() => frames(tile) > before + 5, 'B to keep receiving frames');
    expect(remoteTiles(b)[0].videoOff).to.be.false;
  });

  it('leave() ends the call for us and removes our tile for the others', async () => {
    const { a, b } = await pair();
    const gone = oneEvent(b, 'rtc-participant-left');
    const left = oneEvent(a, 'rtc-left');
    await a.leave();
    await left;
    expect((await gone).detail.participant.name).to.equal('Ana');
    await until(() => remoteTiles(b).length === 0, 'A tile to leave B');
    expect(a.callState).to.equal('left');
    expect(tiles(a).length).to.equal(0);
    expect(part(a, 'join-button')!.textContent!.trim()).to.equal('Join again');
    await expect(a).to.be.accessible();
  });

  it('someone who leaves is gone for the others even when their connection’s close never reaches them', async () => {
    // Now and then the other side's SCTP close does not arrive, and the server's word that they left comes while
    // we heard them a moment ago (as it does when only their seat ended). Here no close ever arrives.
    const listen = RTCDataChannel.prototype.addEventListener;
    RTCDataChannel.prototype.addEventListener = function (this: RTCDataChannel, type: string, ...rest: never[]) {
      if (type !== 'close') listen.call(this, type, ...(rest as [EventListener]));
    } as typeof listen;
    try {
      const { a, b } = await pair();
      const left: string[] = [];
      b.addEventListener('rtc-participant-left', (e) => left.push(e.detail.participant.name));
      await a.leave();
      // Without a second look, Ana stayed until 30 s of silence (SILENT_MS): far longer than this wait.
      await until(() => left.length > 0, 'Ana to leave B’s call', 12000);
      expect(left).to.deep.equal(['Ana']);
      await until(() => remoteTiles(b).length === 0, 'A tile to leave B', 2000);
    } finally {
      RTCDataChannel.prototype.addEventListener = listen;
    }
  });

  it('removed from the page, it leaves for good; moved in the page, it keeps its call', async () => {
    const { a, b } = await pair();
    const call = a.call!;
    const id = call.seat!.id;
    // A move: out and back in within one task.
    const other = document.createElement('div');
    a.parentElement!.after(other);
    other.append(a);
    await sleep(500);
    expect(a.call).to.equal(call);
    expect(remoteTiles(b)[0].participant!.id).to.equal(id);

    const left = oneEvent(a, 'rtc-left');
    const gone = oneEvent(b, 'rtc-participant-left');
    const camera = call.media.track('video')!;
    a.remove();
    await left;
    await gone;
    await sleep(1500);
    expect(a.call).to.be.undefined;
    expect(camera.readyState).to.equal('ended');
    expect(remoteTiles(b).length).to.equal(0);
    other.remove();
  });

  it('join() twice, or join() then leave(), ends in one call or none', async () => {
    const room = uniqueRoom();
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call id="a" manual server=${brokers.open} room=${room} name="Ana"></rtc-call>
        <rtc-call no-prejoin id="b" server=${brokers.open} room=${room} name="Ben"></rtc-call>
      </div>`,
    );
    const a = wrap.querySelector<RtcCall>('#a')!;
    const b = wrap.querySelector<RtcCall>('#b')!;
    void a.join();
    await a.join();
    await until(() => remoteTiles(b).length === 1 && frames(remoteTiles(b)[0]) > 0, 'B to see A');
    await sleep(1500);
    expect(remoteTiles(b).length).to.equal(1);
    void a.join();
    await a.leave();
    await sleep(1500);
    expect(a.callState).to.equal('left');
    expect(a.call).to.be.undefined;
    await until(() => remoteTiles(b).length === 0, 'A to be gone from B');
  });

  it('join() on an element that joins by itself (no-prejoin) keeps that call, while joining and once joined', async () => {
    const { a, b } = await twoCalls();
    const first = a.call;
    expect(first, 'on its way in by itself').to.exist;
    // A page that calls join() anyway (to be sure) waits for that call: no second seat, no second connection.
    await a.join();
    expect(a.call).to.equal(first);
    expect(a.callState).to.equal('joined');
    const seat = first!.seat!.id;
    await until(() => remoteTiles(b).length === 1 && frames(remoteTiles(b)[0]) > 0, 'B to see A');
    await a.join();
    expect(a.call).to.equal(first);
    expect(first!.seat!.id).to.equal(seat);
    await sleep(1000);
    expect(b.participants.map((p) => p.id)).to.deep.equal([b.call!.seat!.id, seat]);
    expect(remoteTiles(b).map((t) => t.participant!.id)).to.deep.equal([seat]);
  });

  it('join() resolves only once joined: the engine and call-state agree, round after round', async function () {
    this.timeout(180000);
    const room = uniqueRoom();
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call id="a" manual server=${brokers.open} room=${room} name="Ana"></rtc-call>
        <rtc-call no-prejoin id="b" server=${brokers.open} room=${room} name="Ben"></rtc-call>
      </div>`,
    );
    const a = wrap.querySelector<RtcCall>('#a')!;
    const b = wrap.querySelector<RtcCall>('#b')!;
    await until(() => b.callState === 'joined', 'B to be in the room');
    const early: string[] = [];
    const rounds = 30;
    for (let round = 0; round < rounds; round++) {
      await a.join();
      const said = { engine: a.call?.state, attribute: a.getAttribute('call-state') };
      if (said.engine !== 'joined' || said.attribute !== 'joined')
        early.push(`round ${round}: ${JSON.stringify(said)}`);
      await a.leave();
    }
    expect(early, `join() resolved before joined in ${early.length} of ${rounds} rounds`).to.deep.equal([]);
  });

  it('clearing the room leaves; a new token is kept for later without rejoining', async () => {
    const { a, b } = await pair();
    const call = a.call!;
    a.token = 'a-renewed-token';
    await sleep(300);
    expect(a.call).to.equal(call, 'a new token alone does not start another call');
    a.room = '';
    await until(() => a.call === undefined && remoteTiles(b).length === 0, 'A to leave');
    expect(part(a, 'status')!.textContent).to.contain('Set a room');
  });

  it('a renewed token is the one the next seat is taken with, once the first has expired', async function () {
    // Waits for a real token to expire, then for a broker restart: longer than the usual test.
    this.timeout(120000);
    const room = uniqueRoom('renew');
    const mint = (name: string, ttl: number) =>
      executeServerCommand<string, object>('rtc-mint-token', { room, name, ttl });
    const joinWith = (token: string) =>
      fetch(`${brokers.renewal}/rtc/join`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ room, token }),
      });
    // The name a seat gets comes from its token: it tells which token a seat was taken with.
    const first = await mint('First Token', 10);
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call no-prejoin id="a" server=${brokers.renewal} room=${room} token=${first}></rtc-call>
        <rtc-call no-prejoin id="b" server=${brokers.renewal} room=${room} token=${await mint('Other', 600)}></rtc-call>
      </div>`,
    );
    const a = wrap.querySelector<RtcCall>('#a')!;
    const b = wrap.querySelector<RtcCall>('#b')!;
    await until(() => remoteTiles(b)[0]?.participant?.name === 'First Token', 'B to see A, named by the first token');
    const firstSeat = a.call!.seat!.id;

    a.token = await mint('Renewed Token', 600);
    // The broker checks tokens: the first one, now expired, would not get a seat any more.
    const end = Date.now() + 60000;
    while ((await joinWith(first)).status !== 401) {
      if (Date.now() > end) throw new Error('the first token was never refused');
      await sleep(500);
    }
    expect(a.call!.seat!.id).to.equal(firstSeat, 'the call went on meanwhile, on its first seat');

    // The broker restarts: RTC-GOODBYE, and every widget takes a new seat.
    await executeServerCommand('rtc-restart-renewal-broker');
    await until(
      () => a.callState === 'joined' && !!a.call?.seat && a.call.seat.id !== firstSeat,
      'A to take a new seat',
      60000,
    );
    expect(a.call!.seat!.name).to.equal('Renewed Token');
    await until(
      () => remoteTiles(b).length === 1 && remoteTiles(b)[0].participant?.name === 'Renewed Token',
      'B to see A again, named by the renewed token',
      60000,
    );
  });

  it('a dropped link is called again while both are still in the room', async () => {
    const { a, b } = await pair();
    const [caller, callee] = a.call!.seat!.id < b.call!.seat!.id ? [a, b] : [b, a];
    const calleeId = callee.call!.seat!.id;
    // No public API drops a working connection (nor should one): the @internal mesh does it.
    caller.call!.mesh!.drop(calleeId);
    await until(() => remoteTiles(callee).length === 0, 'the callee to notice');
    for (const el of [a, b]) {
      await until(
        () => remoteTiles(el).length === 1 && frames(remoteTiles(el)[0]) > 0,
        `${el.id} to see the other again`,
      );
    }
    const tile = remoteTiles(callee)[0];
    const before = frames(tile);
    await until(() => frames(tile) > before + 5, 'video over the new link');
  });

  it('the camera turned off while it is still opening stays off', async () => {
    const { a } = await pair();
    const media = a.call!.media;
    await media.setVideoEnabled(false);
    const opening = media.setVideoEnabled(true);
    await media.setVideoEnabled(false);
    await opening;
    await sleep(500);
    expect(media.track('video')).to.be.null;
    expect(media.videoEnabled).to.be.false;
  });

  it('keyboard focus follows Leave and Join', async () => {
    const { a } = await pair();
    part(a, 'leave-button')!.focus();
    part(a, 'leave-button')!.click();
    await until(() => a.shadowRoot!.activeElement === part(a, 'join-button'), 'focus on Join');
    part(a, 'join-button')!.click();
    await until(() => a.shadowRoot!.activeElement === part(a, 'mic-button'), 'focus on the microphone');
  });

  it('a cancelled rtc-request-leave keeps the call', async () => {
    const { a } = await pair();
    a.addEventListener('rtc-request-leave', (e) => e.preventDefault(), { once: true });
    part(a, 'leave-button')!.click();
    await sleep(300);
    expect(a.callState).to.equal('joined');
    part(a, 'leave-button')!.click();
    await until(() => a.callState === 'left', 'the leave');
  });

  it('fetches TURN credentials when joining and refreshes them before they lapse', async () => {
    const room = uniqueRoom();
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call no-prejoin id="a" server=${brokers.shortTurn} room=${room}></rtc-call>
        <rtc-call no-prejoin id="b" server=${brokers.shortTurn} room=${room}></rtc-call>
      </div>`,
    );
    const a = wrap.querySelector<RtcCall>('#a')!;
    await until(() => remoteTiles(a).length === 1, 'the call');
    const turnUser = () => a.call!.seat!.iceServers.find((s) => String(s.urls).startsWith('turn:'))?.username as string;
    // TURN REST usernames are `expiry:id`.
    const expiry = (username: string) => Number(username.split(':')[0]);
    const first = turnUser();
    expect(first.split(':')[1]).to.equal(a.call!.seat!.id);
    expect(expiry(first) * 1000 - Date.now()).to.be.within(0, 11000);
    await until(() => turnUser() !== first, 'fresh credentials', 15000);
    // Read now, before anyone else arrives: they are refreshed again every 8 s.
    const fresh = turnUser();
    expect(expiry(fresh)).to.be.greaterThan(expiry(first));
    // A connection made after the refresh uses the fresh credentials (or fresher ones), never the first.
    const c = document.createElement('rtc-call');
    Object.assign(c, { noPrejoin: true, server: brokers.shortTurn, room });
    wrap.append(c);
    await until(() => !!c.call?.seat && remoteTiles(a).length === 2, 'the newcomer');
    const newcomerId = c.call!.seat!.id;
    // The TURN credentials a connection was given are no fact for pages (call.stats() tells none): the @internal
    // mesh has the connection.
    await until(() => !!a.call!.mesh!.peerConnection(newcomerId), "A's connection to the newcomer");
    const pc = a.call!.mesh!.peerConnection(newcomerId)!;
    const used = pc
      .getConfiguration()
      .iceServers!.map((s) => s.username)
      .filter((u): u is string => !!u);
    expect(used.length).to.be.greaterThan(0);
    for (const u of used) expect(expiry(u)).to.be.at.least(expiry(fresh), `the connection's TURN username ${u}`);
  });

  it('a bad room name is refused in words', async () => {
    const detail = await firstError(
      fixture<RtcCall>(html`<rtc-call no-prejoin server=${brokers.open} room="no spaces allowed"></rtc-call>`),
    );
    expect(detail.code).to.equal('invalid-room');
    expect(detail.fatal).to.be.true;
    const el = document.querySelector('rtc-call')!;
    await until(() => el.callState === 'failed', 'failed state');
    expect(part(el, 'notice')!.textContent).to.contain('Invalid room name');
    await expect(el).to.be.accessible();
    // Nobody to talk to: the camera and microphone are released.
    await until(() => !el.call!.media.track('video') && !el.call!.media.track('audio'), 'the devices to be released');
    expect(tiles(el).length).to.equal(0);
  });

  it('says when the server cannot be reached, and keeps retrying', async () => {
    const el = await fixture<RtcCall>(
      html`<rtc-call no-prejoin server=${brokers.unreachable} room=${uniqueRoom()}></rtc-call>`,
    );
    const first = await firstError(el);
    expect(first.code).to.equal('server-unreachable');
    expect(first.fatal).to.be.false;
    const second = await firstError(el);
    expect(second.code).to.equal('server-unreachable');
    expect(el.callState).to.equal('joining');
    expect(part(el, 'notice')!.textContent).to.contain('cannot be reached');
    // Your own camera shows while it retries.
    await until(() => tiles(el).some((t) => t.local), 'the local preview');
  });

  it('a missing, forged, expired or other-room token is refused as unauthorized', async () => {
    for (const token of ['', brokers.tokens.forged, brokers.tokens.expired, brokers.tokens.otherRoom]) {
      const el = await fixture<RtcCall>(
        html`<rtc-call no-prejoin server=${brokers.secured} room="private" token=${token}></rtc-call>`,
      );
      const detail = await firstError(el);
      expect(detail.code, `token ${token.slice(0, 12)}`).to.equal('unauthorized');
      await until(() => el.callState === 'failed', 'failed state');
      expect(part(el, 'notice')!.textContent).to.contain('may not join');
      expect(tiles(el).filter((t) => !t.local).length).to.equal(0);
      fixtureCleanup();
    }
  });

  it('a valid token joins, and a full room says so', async () => {
    const wrap = await fixture<HTMLDivElement>(
      html`<div class="calls">
        <rtc-call no-prejoin server=${brokers.secured} room="private" token=${brokers.tokens.valid}></rtc-call>
        <rtc-call no-prejoin server=${brokers.secured} room="private" token=${brokers.tokens.valid2}></rtc-call>
      </div>`,
    );
    const [a, b] = [...wrap.querySelectorAll('rtc-call')];
    await until(() => a.callState === 'joined' && b.callState === 'joined', 'both joined');
    await until(
      () => remoteTiles(b).length === 1 && remoteTiles(b)[0].participant?.name === 'Token Name',
      'the name from the token',
    );
    const c = document.createElement('rtc-call');
    Object.assign(c, { noPrejoin: true, server: brokers.secured, room: 'private', token: brokers.tokens.valid3 });
    const err = oneEvent(c, 'rtc-error');
    wrap.append(c);
    const detail = (await err).detail;
    expect(detail.code).to.equal('room-full');
    expect(detail.message).to.contain('full');
    await until(() => part(c, 'notice')?.textContent?.includes('full') ?? false, 'the room-full notice');
    // Asked from a script, joining rejects with the same reason (and fires it again).
    const again = oneEvent(c, 'rtc-error');
    const refused = await rejection(c.join());
    expect([refused.name, refused.code]).to.deep.equal(['RtcError', 'room-full']);
    expect((await again).detail.code).to.equal('room-full');
  });

  it('a visitor who denies the camera is told why and still joins, seen as camera off', async () => {
    const md = navigator.mediaDevices;
    const real = md.getUserMedia.bind(md);
    md.getUserMedia = async (c?: MediaStreamConstraints) => {
      if (c?.video) throw new DOMException('Permission denied', 'NotAllowedError');
      return real(c);
    };
    try {
      const room = uniqueRoom();
      // Listening from the start: the denial comes from the page itself, so it may be told before fixture() returns.
      const errors: RtcErrorDetail[] = [];
      const wrap = await fixture<HTMLDivElement>(
        html`<div class="calls">
          <rtc-call
            no-prejoin
            id="a"
            server=${brokers.open}
            room=${room}
            name="Shy"
            @rtc-error=${(e: CustomEvent<RtcErrorDetail>) => errors.push(e.detail)}
          ></rtc-call>
        </div>`,
      );
      const a = wrap.querySelector<RtcCall>('#a')!;
      await until(() => errors.some((e) => e.code === 'camera-denied'), 'the camera-denied error');
      const detail = errors.find((e) => e.code === 'camera-denied')!;
      expect(detail.fatal).to.be.false;
      await until(() => a.callState === 'joined', 'joined without a camera');
      expect(part(a, 'notice')!.textContent).to.contain('camera was denied');
      md.getUserMedia = real;
      const b = document.createElement('rtc-call');
      Object.assign(b, { noPrejoin: true, server: brokers.open, room, name: 'Ben' });
      wrap.append(b);
      await until(
        () => remoteTiles(b).length === 1 && remoteTiles(b)[0].videoOff && !remoteTiles(b)[0].audioMuted,
        'B to see Shy with camera off',
      );
      await until(() => remoteTiles(a).length === 1 && frames(remoteTiles(a)[0]) > 0, 'Shy to see B');
    } finally {
      md.getUserMedia = real;
    }
  });

  it('exposes its tiles to the page through exportparts, and is themed through custom properties', async () => {
    const style = document.createElement('style');
    style.textContent = `rtc-call.themed::part(tile-video) { opacity: 0.5 } rtc-call.themed { --rtc-call-background: rgb(9, 8, 7) }`;
    document.head.append(style);
    try {
      const { a } = await pair();
      a.classList.add('themed');
      const video = tiles(a)[0].shadowRoot!.querySelector('video')!;
      expect(getComputedStyle(video).opacity).to.equal('0.5');
      expect(getComputedStyle(part(a, 'base')!).backgroundColor).to.equal('rgb(9, 8, 7)');
    } finally {
      style.remove();
    }
  });
});
