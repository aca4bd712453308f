{* The client's noVNC page: the one-time console link (VNC password and ticket in its fragment). *}
<div class="pvebridge-console" data-service="{$serviceId|escape}">
  <p>The console link works once and only within 10 seconds. If it has expired, press noVNC again.</p>
  <a class="btn btn-primary pvebridge-console-connect" href="{$consoleUrl|escape}" target="_blank" rel="noopener noreferrer">CONNECT</a>
</div>
