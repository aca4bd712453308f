{* pvebridge client overview: data from the gateway (our records; power state as last cached). *}
<div class="pvebridge-overview" data-service="{$serviceId|escape}">
  <table class="table table-condensed">
    <tr><th>Status</th><td class="pvebridge-state" data-state="{$state|escape}">{$stateText|escape}</td></tr>
    <tr><th>Power</th><td class="pvebridge-power">{$power|escape}</td></tr>
    {if $vmid}<tr><th>VM ID</th><td class="pvebridge-vmid">{$vmid|escape}</td></tr>{/if}
    <tr><th>Hostname</th><td>{$hostname|escape}</td></tr>
    {if $ips}<tr><th>IP addresses</th><td>{foreach $ips as $ip}<span class="pvebridge-ip">{$ip|escape}</span> {/foreach}</td></tr>{/if}
  </table>
  {if $ready}
  <div class="pvebridge-actions">
    {* The gateway's buttons, plus the console when the product grants noVNC. *}
    {$actions = $buttons}
    {if $permissions.novnc}{$actions[] = ['fn' => 'ClientConsole', 'label' => 'noVNC']}{/if}
    {foreach $actions as $b}
    <form method="post" action="clientarea.php?action=productdetails&amp;id={$serviceId|escape}" style="display:inline">
      <input type="hidden" name="token" value="{$token|default:''|escape}">
      <input type="hidden" name="modop" value="custom">
      <input type="hidden" name="a" value="{$b.fn|escape}">
      <button type="submit" class="btn btn-default pvebridge-{$b.fn|escape}">{$b.label|escape}</button>
    </form>
    {/foreach}
  </div>
  {/if}
</div>
