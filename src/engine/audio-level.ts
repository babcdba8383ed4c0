/**
 * How loud a microphone is, now: an AnalyserNode on the stream's audio, read on demand. For the pre-join level meter,
 * and for your own speaking indicator where the connections' stats do not give your level (Firefox). Its audio graph
 * runs all the time it exists.
 */
export class AudioLevel {
  #context?: AudioContext;
  #analyser?: AnalyserNode;
  #source?: MediaStreamAudioSourceNode;
  #samples?: Float32Array<ArrayBuffer>;
  #track?: MediaStreamTrack;

  /** Listens to `track` (the first audio track of a stream), or to nothing. Cheap to call with the same track. */
  listen(track: MediaStreamTrack | null | undefined): void {
    if (track === this.#track) return;
    this.#source?.disconnect();
    this.#source = undefined;
    this.#track = track ?? undefined;
    if (!track || typeof AudioContext === 'undefined') return;
    const context = (this.#context ??= new AudioContext());
    if (!this.#analyser) {
      this.#analyser = context.createAnalyser();
      this.#analyser.fftSize = 512;
      this.#samples = new Float32Array(this.#analyser.fftSize);
    }
    this.#source = context.createMediaStreamSource(new MediaStream([track]));
    this.#source.connect(this.#analyser);
  }

  /**
   * The level now, 0 to 1: the root mean square of the last few milliseconds of samples, scaled like `getStats`'s
   * `audioLevel` (where speech is about 0.02 to 0.3). 0 with nothing to listen to, or while the track is muted or off.
   */
  read(): number {
    const analyser = this.#analyser;
    const samples = this.#samples;
    const track = this.#track;
    if (!analyser || !samples || !track || !this.#source || track.readyState !== 'live' || !track.enabled) return 0;
    // A context made before any user gesture starts suspended; the page's next gesture (Join) lets it run.
    if (this.#context?.state === 'suspended') void this.#context.resume().catch(() => {});
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const s of samples) sum += s * s;
    return Math.min(1, Math.sqrt(sum / samples.length));
  }

  /** Stops listening and frees the audio graph. */
  close(): void {
    this.#source?.disconnect();
    this.#source = undefined;
    this.#track = undefined;
    void this.#context?.close().catch(() => {});
    this.#context = undefined;
    this.#analyser = undefined;
  }
}
