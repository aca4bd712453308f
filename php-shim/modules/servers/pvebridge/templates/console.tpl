{* The client's noVNC page: the one-time console link (VNC password and ticket in its fragment). *}
<div class="pvebridge-console" data-service="{$serviceId|escape}">
  <h3>{$pvbLang['console.title']|escape}</h3>
  <p>{$pvbLang['console.note']|escape}</p>
  <a class="btn btn-primary pvebridge-console-connect" href="{$consoleUrl|escape}" target="_blank" rel="noopener noreferrer">{$pvbLang['console.connect']|escape}</a>
</div>
