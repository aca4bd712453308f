{* The client's Reverse DNS page (spec §Reverse DNS): one host name per assigned address, saved
   through the shim's JSON action (op rdnsSave) and applied by the set_dns_records pipeline; the
   status column follows the live result (op rdns). Every text comes from lang/<language>.php. *}
<div class="pvebridge-rdns" data-service="{$pvbServiceId|escape}"
     data-endpoint="clientarea.php?action=productdetails&amp;id={$pvbServiceId|escape}&amp;modop=custom&amp;a=ClientApi"
     data-token="{$token|default:''|escape}">
  <script type="application/json" class="pvebridge-lang">{$pvbLangJson}</script>
  <h3>{$pvbLang['rdns.title']|escape}</h3>
  <p class="alert alert-info">{$pvbLang['rdns.propagation']|escape}</p>
  <form class="pvebridge-rdns-form" novalidate>
    <table class="table table-condensed">
      <thead><tr><th scope="col">{$pvbLang['rdns.address']|escape}</th><th scope="col">{$pvbLang['rdns.hostname']|escape}</th><th scope="col">{$pvbLang['rdns.status']|escape}</th></tr></thead>
      <tbody>
      {foreach $pvbEntries as $e}
        <tr data-ip="{$e.ip|escape}">
          <td><label for="pvb-rdns-{$e@index}">{$e.ip|escape}</label></td>
          <td>
            <input type="text" class="form-control" id="pvb-rdns-{$e@index}" name="{$e.ip|escape}" value="{$e.ptr|escape}" placeholder="{$e.effective|escape}"
                   aria-label="{$e.label|escape}" aria-describedby="pvb-rdns-err-{$e@index}" maxlength="253" autocomplete="off">
            <span class="help-block text-danger pvebridge-rdns-error" id="pvb-rdns-err-{$e@index}" role="alert"></span>
          </td>
          <td data-field="status">{$e.statusText|escape}</td>
        </tr>
      {/foreach}
      </tbody>
    </table>
    <div class="checkbox"><label for="pvb-rdns-verify"><input type="checkbox" id="pvb-rdns-verify" name="verify"> {$pvbLang['rdns.verify']|escape}</label></div>
    <button type="submit" class="btn btn-primary">{$pvbLang['rdns.save']|escape}</button>
    <p class="pvebridge-rdns-notice" role="status" aria-live="polite" hidden></p>
  </form>
  <script src="{$WEB_ROOT|default:'.'}/modules/servers/pvebridge/assets/reversedns.js" defer></script>
</div>
