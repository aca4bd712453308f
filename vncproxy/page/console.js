// Browser side of the console page: reads `#&password=…&ticket=…`, forgets it (address bar and
// history), then lets noVNC open the WebSocket with the one-time ticket.
/* global document, window, location, history, URLSearchParams */
import RFB from '/novnc/core/rfb.js';

const statusEl = document.getElementById('status');
const cadButton = document.getElementById('cad');
const setStatus = (text) => (statusEl.textContent = text);

const params = new URLSearchParams(location.hash.replace(/^#&?/, ''));
const ticket = params.get('ticket');
const password = params.get('password') ?? '';
history.replaceState(null, '', location.pathname);

if (!ticket) {
  setStatus('This console link is incomplete or was already used. Open the console again.');
} else {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const service = location.pathname.split('/').pop();
  const url = `${scheme}//${location.host}/ws/${service}?ticket=${encodeURIComponent(ticket)}`;
  setStatus('Connecting');
  const rfb = new RFB(document.getElementById('screen'), url, { credentials: { password }, wsProtocols: ['binary'] });
  rfb.scaleViewport = true;
  rfb.background = '#1d1f21';
  let name = '';
  rfb.addEventListener('desktopname', (e) => (name = e.detail.name));
  rfb.addEventListener('connect', () => {
    setStatus(name ? `Connected to ${name}` : 'Connected');
    cadButton.disabled = false;
  });
  rfb.addEventListener('disconnect', (e) => {
    cadButton.disabled = true;
    setStatus(e.detail.clean ? 'Disconnected' : 'Something went wrong, connection is closed');
  });
  rfb.addEventListener('securityfailure', (e) => setStatus(`Authentication failed: ${e.detail.reason ?? e.detail.status}`));
  rfb.addEventListener('credentialsrequired', () => setStatus('The console asked for a password this link does not carry'));
  cadButton.addEventListener('click', () => rfb.sendCtrlAltDel());
  window.pvebridgeConsole = rfb;
}
