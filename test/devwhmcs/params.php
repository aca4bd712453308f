<?php
/**
 * Prints, as JSON, what the dev WHMCS hands a module for service $argv[1] ($params) and for the
 * product page of product $argv[2] (ConfigOptions/Loader params). Run with DEVWHMCS_CONFIG set.
 */
require dirname(__DIR__, 2) . '/devwhmcs/lib/bootstrap.php';
$product = db_one('SELECT * FROM `tblproducts` WHERE `id` = ?', array((int) $argv[2]));
echo json_encode(array('service' => devwhmcs_service_params((int) $argv[1]), 'product' => devwhmcs_product_params($product)));
