<?php
// Admin home: links to every service and product (the dev WHMCS has no search).
require_once DEVWHMCS_ROOT . '/lib/admin.php';
devwhmcs_require_admin();
$services = '';
foreach (db_all('SELECT h.`id`, h.`userid`, h.`domain`, h.`domainstatus`, c.`email` FROM `tblhosting` h JOIN `tblclients` c ON c.`id` = h.`userid` ORDER BY h.`id`') as $s) {
    $services .= '<li><a href="clientsservices.php?userid=' . (int) $s['userid'] . '&amp;id=' . (int) $s['id'] . '">Service #' . (int) $s['id'] . ' ' . e($s['domain']) . '</a> (' . e($s['email']) . ', ' . e($s['domainstatus']) . ')</li>';
}
$products = '';
foreach (db_all('SELECT `id`, `name`, `servertype` FROM `tblproducts` ORDER BY `id`') as $p) {
    $products .= '<li><a href="configproducts.php?action=edit&amp;id=' . (int) $p['id'] . '">' . e($p['name']) . '</a> (' . e($p['servertype']) . ')</li>';
}
devwhmcs_send_page('Admin', '<h2>Services</h2><ul>' . $services . '</ul><h2>Products</h2><ul>' . $products . '</ul>', 'admin');
