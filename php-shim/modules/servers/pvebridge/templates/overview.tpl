{* pvebridge client overview — the page pattern (docs/architecture.md "Page pattern"): rendered from
   the gateway's cached overview data, then kept live by assets/overview.js, which polls the shim's
   JSON action (modop=custom&a=ClientApi, op "overview") — the browser never talks to the gateway.
   Every text comes from lang/<language>.php ($pvbLang). *}
<div class="pvebridge-overview" id="pvebridge-overview-{$pvbServiceId|escape}" data-service="{$pvbServiceId|escape}"
     data-endpoint="clientarea.php?action=productdetails&amp;id={$pvbServiceId|escape}&amp;modop=custom&amp;a=ClientApi"
     data-token="{$token|default:''|escape}" data-poll-ms="{$pvbPollMs|escape}">
  <script type="application/json" class="pvebridge-lang">{$pvbLangJson}</script>
  <script type="application/json" class="pvebridge-data">{$pvbDataJson}</script>
  <h3 class="pvebridge-heading">{$pvbLang['overview.heading']|escape}</h3>
  <table class="table table-condensed pvebridge-figures">
    <tr><th scope="row">{$pvbLang['overview.status']|escape}</th><td data-field="state">{$pvb.state|escape}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.power']|escape}</th><td data-field="power">{$pvb.power|escape}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.uptime']|escape}</th><td data-field="uptime">{$pvb.uptime|escape}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.cpu']|escape}</th><td data-field="cpu">{$pvb.cpu|escape}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.memory']|escape}</th><td data-field="memory">{$pvb.memory|escape}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.ips']|escape}</th><td data-field="ips">{foreach $pvb.ips as $ip}<span class="pvebridge-ip">{$ip|escape}</span> {foreachelse}—{/foreach}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.node']|escape}</th><td data-field="node">{$pvb.node|escape}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.vmid']|escape}</th><td data-field="vmid">{$pvb.vmid|escape}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.hostname']|escape}</th><td data-field="hostname">{$pvb.hostname|escape}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.activity']|escape}</th><td data-field="activity">{$pvb.activity|escape}</td></tr>
    <tr><th scope="row">{$pvbLang['overview.data_age']|escape}</th><td data-field="age">{$pvb.age|escape}</td></tr>
  </table>
  <p class="alert alert-warning pvebridge-vanished" data-field="vanished"{if !$pvb.vanished} hidden{/if}>{$pvbLang['overview.vanished']|escape}</p>
  <p class="alert alert-info pvebridge-notice" data-field="notice" role="status" aria-live="polite" hidden></p>
  {if $pvbButtons}
  <div class="pvebridge-actions" role="group" aria-label="{$pvbLang['overview.actions']|escape}">
    {foreach $pvbButtons as $b}
    <form method="post" action="clientarea.php?action=productdetails&amp;id={$pvbServiceId|escape}" class="pvebridge-action" style="display:inline">
      <input type="hidden" name="token" value="{$token|default:''|escape}">
      <input type="hidden" name="id" value="{$pvbServiceId|escape}">
      <input type="hidden" name="modop" value="custom">
      <input type="hidden" name="a" value="{$b.fn|escape}">
      <button type="submit" class="btn btn-default pvebridge-{$b.fn|escape}" data-fn="{$b.fn|escape}" data-needs="{$b.needs|escape}"{if !$b.enabled} disabled{/if}>{$b.label|escape}</button>
    </form>
    {/foreach}
  </div>
  {/if}
  {if $pvbPages}
  <nav class="pvebridge-pages" aria-label="{$pvbLang['nav.pages']|escape}">
    <ul class="list-inline">
      {foreach $pvbPages as $p}<li><a class="btn btn-default pvebridge-page-{$p.fn|escape}" href="{$p.url|escape}">{$p.label|escape}</a></li>{/foreach}
    </ul>
  </nav>
  {/if}
  <script src="{$WEB_ROOT|default:'.'}/modules/servers/pvebridge/assets/overview.js" defer></script>
</div>
