{* Shown instead of the overview when the gateway refused or could not answer. *}
<div class="alert alert-warning pvebridge-error">{$pvebridgeError|escape}</div>
