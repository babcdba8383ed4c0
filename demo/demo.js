// The demo page: enter a room from the form or the address (?room=...&name=...). A file, not an inline script: the
// page's Content-Security-Policy runs only scripts from this server.
const params = new URLSearchParams(location.search);
const form = document.getElementById('room-form');
const call = document.getElementById('call');
form.room.value = params.get('room') || 'demo';
form.name.value = params.get('name') || '';
// ?prejoin=off: straight into the call, without the pre-join screen (the `no-prejoin` attribute).
if (params.get('prejoin') === 'off') call.setAttribute('no-prejoin', '');
// ?fit-video=off: everyone is sent 1280x720 whatever their tile shows (to compare; see the README).
if (params.get('fit-video')) call.setAttribute('fit-video', params.get('fit-video'));
const enter = () => {
  call.setAttribute('name', form.name.value);
  call.setAttribute('room', form.room.value);
};
form.addEventListener('submit', (e) => {
  e.preventDefault();
  const url = new URL(location.href);
  url.searchParams.set('room', form.room.value);
  if (form.name.value) url.searchParams.set('name', form.name.value);
  history.replaceState(null, '', url);
  enter();
});
enter();
// The layout switch: the widget's own screen-share button is in its control bar (where the browser can share).
const layout = document.getElementById('layout');
layout.value = params.get('layout') === 'speaker' ? 'speaker' : 'grid';
call.setLayout(layout.value);
layout.addEventListener('change', () => call.setLayout(layout.value));
call.addEventListener('rtc-error', (e) => console.warn('rtc-error', e.detail.code, e.detail.message));
