{* Shown instead of the overview when the gateway refused or could not answer: a short translated
   message, never an internal detail (that is in the module log). *}
<div class="alert alert-warning pvebridge-error" role="alert">{$pvbError|escape}</div>
