// A counter everyone in the room shares: the page's own state, sent peer to peer with send() and rtc-data.
// Each change carries a version (one more than the highest seen, ties broken by who made it), so everyone settles
// on the same value, and a newcomer's 0 never wins over the room's count.
const call = document.getElementById('call');
const output = document.getElementById('counter');
let state = { value: 0, version: 0, by: '' };

/** Whether `a` is a later change than `b`. */
const later = (a, b) => a.version > b.version || (a.version === b.version && a.by > b.by);

function show() {
  output.value = String(state.value);
}

function change(step) {
  const self = call.participants[0];
  if (!self) return;
  state = { value: state.value + step, version: state.version + 1, by: self.id };
  show();
  // Not in a call yet, or alone: nobody to tell (send rejects with not-in-call outside a call).
  call.send('counter', state).catch((err) => console.warn('counter not sent', err.code));
}

document.getElementById('counter-up').addEventListener('click', () => change(1));
document.getElementById('counter-down').addEventListener('click', () => change(-1));

call.addEventListener('rtc-data', (e) => {
  const { topic, data } = e.detail;
  if (topic !== 'counter' || typeof data?.value !== 'number' || typeof data.version !== 'number') return;
  if (!later(data, state)) return;
  state = { value: data.value, version: data.version, by: String(data.by) };
  show();
});

// Whoever joins learns the count from everyone already here (the latest change wins).
call.addEventListener('rtc-participant-joined', (e) => {
  if (state.version === 0) return;
  call.send('counter', state, { to: e.detail.participant.id }).catch(() => {});
});
// A new room starts at 0.
call.addEventListener('rtc-joined', () => {
  state = { value: 0, version: 0, by: '' };
  show();
});
