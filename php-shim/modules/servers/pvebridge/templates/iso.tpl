{* The client's ISO page (spec §Mounting an ISO image): the product's ISO storage grouped by the
   part of the file name before the first dash (OTHER without one), the mounted image, mount and
   unmount through the shim's JSON action (ops isoMount, isoUnmount). Texts from lang/<language>.php. *}
<div class="pvebridge-iso" data-service="{$pvbServiceId|escape}"
     data-endpoint="clientarea.php?action=productdetails&amp;id={$pvbServiceId|escape}&amp;modop=custom&amp;a=ClientApi"
     data-token="{$token|default:''|escape}">
  <script type="application/json" class="pvebridge-lang">{$pvbLangJson}</script>
  <h3>{$pvbLang['iso.title']|escape}</h3>
  <p class="alert alert-warning pvebridge-iso-locked"{if !$pvbLocked} hidden{/if}>{$pvbLocked|escape}</p>
  <table class="table table-condensed">
    <tr><th scope="row">{$pvbLang['iso.current']|escape}</th><td data-field="current">{if $pvbCurrent}{$pvbCurrent|escape}{else}{$pvbLang['iso.none']|escape}{/if}</td></tr>
  </table>
  {if $pvbGroups}
  <form class="pvebridge-iso-form form-inline">
    <label for="pvb-iso-image">{$pvbLang['iso.image']|escape}</label>
    <select id="pvb-iso-image" name="volid" class="form-control">
      {foreach $pvbGroups as $g}
      <optgroup label="{$g.label|escape}">
        {foreach $g.images as $i}<option value="{$i.volid|escape}">{$i.name|escape}</option>{/foreach}
      </optgroup>
      {/foreach}
    </select>
    <button type="submit" class="btn btn-primary" data-op="isoMount"{if $pvbLocked} disabled{/if}>{$pvbLang['iso.mount']|escape}</button>
    <button type="button" class="btn btn-default" data-op="isoUnmount"{if $pvbLocked || !$pvbCurrent} disabled{/if}>{$pvbLang['iso.unmount']|escape}</button>
  </form>
  {else}
  <p class="alert alert-info">{$pvbLang['iso.empty']|escape}</p>
  {/if}
  <p class="pvebridge-iso-notice" role="status" aria-live="polite" hidden></p>
  <script src="{$WEB_ROOT|default:'.'}/modules/servers/pvebridge/assets/iso.js" defer></script>
</div>
