<?php
/**
 * configproducts.php?action=edit&id=PID: the product edit page with its tabs (Details, Module
 * Settings, Other). action=module-settings answers the Module Settings panel alone (WHMCS
 * reloads it by AJAX when the module or server group changes); action=save stores the product.
 */
require_once DEVWHMCS_ROOT . '/lib/admin.php';
require_once DEVWHMCS_ROOT . '/lib/product.php';
devwhmcs_require_admin();

$product = db_one('SELECT * FROM `tblproducts` WHERE `id` = ?', array((int) req('id')));
if (!$product) {
    devwhmcs_send_page('Product not found', '<div class="alert alert-danger" role="alert">Invalid Product ID</div>', 'admin');
}
$pid = (int) $product['id'];

if (req('action') === 'module-settings') {
    header('Content-Type: text/html; charset=utf-8');
    echo devwhmcs_module_settings($product, req('module'), (int) req('servergroup'));
    exit;
}
if (req('action') === 'save' && devwhmcs_is_post()) {
    devwhmcs_save_product($product);
    devwhmcs_redirect('configproducts.php?action=edit&id=' . $pid . '&tab=' . (int) req('tab', '1') . '&success=true');
}

$tab = in_array(req('tab'), array('1', '3', '9'), true) ? req('tab') : '1';
$groups = array();
foreach (db_all('SELECT `id`, `name` FROM `tblproductgroups` ORDER BY `id`') as $g) {
    $groups[(int) $g['id']] = $g['name'];
}
$details = '<table class="form"><tr><td class="fieldlabel"><label for="inputProductName">Product Name</label></td><td class="fieldarea"><input type="text" id="inputProductName" name="name" value="' . e($product['name']) . '"></td></tr>'
    . '<tr><td class="fieldlabel"><label for="inputGroup">Product Group</label></td><td class="fieldarea">' . devwhmcs_select('inputGroup', 'gid', $groups, $product['gid']) . '</td></tr>'
    . '<tr><td class="fieldlabel">Product Type</td><td class="fieldarea">' . e($product['type']) . '</td></tr></table>';
$other = '';
foreach (run_hook('AdminProductConfigFields', array('pid' => $pid)) as $rows) {
    foreach (is_array($rows) ? $rows : array() as $label => $html) {
        $other .= '<tr><td class="fieldlabel">' . e($label) . '</td><td class="fieldarea">' . $html . '</td></tr>';
    }
}
$panels = array(
    '1' => array('Details', $details),
    '3' => array('Module Settings', '<div id="moduleSettings">' . devwhmcs_module_settings($product, (string) $product['servertype'], (int) $product['servergroup']) . '</div>'),
    '9' => array('Other', '<table class="form">' . $other . '</table>'),
);
$tabs = '';
$content = '';
foreach ($panels as $n => $p) {
    $selected = $n === $tab;
    $tabs .= '<button type="button" role="tab" id="tab' . $n . '" aria-controls="tab' . $n . 'box" aria-selected="' . ($selected ? 'true' : 'false') . '" data-tab="' . $n . '">' . e($p[0]) . '</button> ';
    $content .= '<div role="tabpanel" id="tab' . $n . 'box" aria-labelledby="tab' . $n . '"' . ($selected ? '' : ' hidden') . '>' . $p[1] . '</div>';
}
$banner = req('success') === 'true' ? '<div class="alert alert-success" role="status"><strong>Changes Saved Successfully!</strong></div>' : '';
$body = $banner . '<form method="post" action="configproducts.php?action=save&amp;id=' . $pid . '">' . generate_token()
    . '<input type="hidden" name="tab" id="inputTab" value="' . e($tab) . '">'
    . '<div role="tablist" aria-label="Product settings">' . $tabs . '</div>' . $content
    . '<p><button type="submit" id="btnSaveProduct">Save Changes</button></p></form>' . devwhmcs_product_js($pid);
devwhmcs_send_page('Edit Product: ' . $product['name'], $body, 'admin');

function devwhmcs_product_js($pid)
{
    return <<<JS
<script>
(function () {
  document.addEventListener('click', function (ev) {
    var t = ev.target.closest ? ev.target.closest('[role=tab]') : null;
    if (!t) return;
    document.querySelectorAll('[role=tab]').forEach(function (b) {
      var on = b === t;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      document.getElementById(b.getAttribute('aria-controls')).hidden = !on;
    });
    document.getElementById('inputTab').value = t.dataset.tab;
  });
  // As WHMCS does: a new module or server group reloads the Module Settings panel.
  document.addEventListener('change', function (ev) {
    if (ev.target.id !== 'inputModule' && ev.target.id !== 'inputServerGroup') return;
    var q = new URLSearchParams({ action: 'module-settings', id: '$pid', module: document.getElementById('inputModule').value, servergroup: document.getElementById('inputServerGroup').value });
    fetch('configproducts.php?' + q.toString(), { credentials: 'same-origin' }).then(function (r) { return r.text(); }).then(function (html) {
      document.getElementById('moduleSettings').innerHTML = html;
    });
  });
})();
</script>
JS;
}
