import { expect } from '@open-wc/testing';
import { captureFps, captureHeight, encodingFor, viewStep, DEFAULT_VIEW } from './video-fit.js';

describe('video fit', () => {
  it('a receiver reports its tile height in device pixels, rounded up to a step; hidden is 0', () => {
    expect(viewStep(100)).to.equal(180);
    expect(viewStep(100, 2)).to.equal(270);
    expect(viewStep(360)).to.equal(360);
    expect(viewStep(361)).to.equal(540);
    expect(viewStep(700, 2)).to.equal(1080);
    expect(viewStep(300, 1, false)).to.equal(0);
    expect(viewStep(0)).to.equal(0);
    expect(viewStep(Number.NaN)).to.equal(0);
  });

  it('captures at the smallest ladder height that covers the tallest view, 720 at most', () => {
    expect(captureHeight([])).to.equal(360);
    expect(captureHeight([0, 0])).to.equal(360);
    expect(captureHeight([180, DEFAULT_VIEW])).to.equal(360);
    expect(captureHeight([180, 540])).to.equal(540);
    expect(captureHeight([720])).to.equal(720);
    expect(captureHeight([1080, 90])).to.equal(720);
  });

  it('scales each receiver’s encoding to what it shows, never below it; a hidden tile pauses the stream', () => {
    expect(encodingFor(720, 720)).to.deep.include({ active: true, scaleResolutionDownBy: 1 });
    expect(encodingFor(720, 1080)).to.deep.include({ active: true, scaleResolutionDownBy: 1 });
    expect(encodingFor(720, 360)).to.deep.include({ active: true, scaleResolutionDownBy: 2 });
    expect(encodingFor(720, 270)).to.deep.include({ active: true, scaleResolutionDownBy: 2 });
    expect(encodingFor(720, 180)).to.deep.include({ active: true, scaleResolutionDownBy: 4 });
    expect(encodingFor(360, 180)).to.deep.include({ active: true, scaleResolutionDownBy: 2 });
    expect(encodingFor(360, 90)).to.deep.include({ active: true, scaleResolutionDownBy: 4 });
    expect(encodingFor(540, 360)).to.deep.include({ active: true, scaleResolutionDownBy: 1.5 });
    expect(encodingFor(720, 0)).to.deep.include({ active: false, scaleResolutionDownBy: 1 });
  });

  it('caps each stream’s bitrate by the height it is sent at', () => {
    expect(encodingFor(360, 90).maxBitrate).to.equal(150_000);
    expect(encodingFor(360, 180).maxBitrate).to.equal(300_000);
    expect(encodingFor(360, 360).maxBitrate).to.equal(700_000);
    expect(encodingFor(720, 270).maxBitrate, '720 / 2 = 360 lines sent').to.equal(700_000);
    expect(encodingFor(540, 540).maxBitrate).to.equal(1_200_000);
    expect(encodingFor(720, 1080).maxBitrate).to.equal(2_000_000);
    expect(encodingFor(480, 540).maxBitrate, 'a 480-line camera').to.equal(1_200_000);
  });

  it('sends a small tile 15 frames a second, a larger one what the camera gives', () => {
    expect(encodingFor(360, 90).maxFramerate).to.equal(15);
    expect(encodingFor(360, 180).maxFramerate).to.equal(15);
    expect(encodingFor(720, 180).maxFramerate, 'small however large the capture').to.equal(15);
    expect(encodingFor(360, 270)).not.to.have.property('maxFramerate');
    expect(encodingFor(720, 720)).not.to.have.property('maxFramerate');
    expect(encodingFor(360, 0), 'paused').not.to.have.property('maxFramerate');
  });

  it('captures 15 frames a second only while everyone who shows the camera shows it small', () => {
    expect(captureFps([90, 180, 180])).to.equal(15);
    expect(captureFps([180, 0]), 'a hidden tile does not count').to.equal(15);
    expect(captureFps([180, 270])).to.equal(30);
    expect(captureFps([180, DEFAULT_VIEW]), 'one who has not said yet').to.equal(30);
    expect(captureFps([]), 'alone: your own view').to.equal(30);
    expect(captureFps([0, 0]), 'hidden everywhere').to.equal(30);
  });
});
