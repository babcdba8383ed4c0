// The themes page: both calls join the room from the address (?room=...), and the select sets their theme.
const room = new URLSearchParams(location.search).get('room') || 'themes';
const calls = document.querySelectorAll('rtc-call');
for (const call of calls) call.setAttribute('room', room);
document.getElementById('theme').addEventListener('change', (e) => {
  for (const call of calls) {
    if (e.target.value) call.setAttribute('theme', e.target.value);
    else call.removeAttribute('theme');
  }
});
