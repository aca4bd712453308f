<?php
/**
 * Router for php's built-in server (`php -S 127.0.0.1:PORT devwhmcs/router.php`): WHMCS's own
 * paths to the dev WHMCS's pages, the module folders' static assets (WHMCS web-serves
 * modules/servers/<name>/**), nothing else. A development stand-in, never shipped.
 */
$path = (string) parse_url(isset($_SERVER['REQUEST_URI']) ? $_SERVER['REQUEST_URI'] : '/', PHP_URL_PATH);

$routes = array(
    '/' => array('client', 'index'),
    '/index.php' => array('client', 'index'),
    '/login.php' => array('client', 'login'),
    '/dologin.php' => array('client', 'dologin'),
    '/logout.php' => array('client', 'logout'),
    '/clientarea.php' => array('client', 'clientarea'),
    '/admin' => array('admin', 'index'),
    '/admin/' => array('admin', 'index'),
    '/admin/index.php' => array('admin', 'index'),
    '/admin/login.php' => array('admin', 'login'),
    '/admin/dologin.php' => array('admin', 'login'),
    '/admin/logout.php' => array('admin', 'logout'),
    '/admin/clientsservices.php' => array('admin', 'clientsservices'),
    '/admin/configproducts.php' => array('admin', 'configproducts'),
    '/admin/addonmodules.php' => array('admin', 'addonmodules'),
    '/admin/configaddonmods.php' => array('admin', 'configaddonmods'),
    '/admin/configservers.php' => array('admin', 'configservers'),
    '/admin/configaddons.php' => array('admin', 'configaddons'),
    '/includes/api.php' => array('api', 'api'),
);

if (isset($routes[$path])) {
    list($area, $page) = $routes[$path];
    $_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = $path;
    if ($area === 'client') {
        define('CLIENTAREA', true);
    } elseif ($area === 'admin') {
        define('ADMINAREA', true);
    }
    require __DIR__ . '/lib/bootstrap.php';
    require __DIR__ . '/lib/addon.php';
    if ($area !== 'api') {
        devwhmcs_start_session();
    }
    devwhmcs_load_modules();
    require __DIR__ . '/pages/' . ($area === 'api' ? 'api.php' : $area . '/' . $page . '.php');
    return true;
}

// Static assets of the module folders (never PHP, templates or language files).
if (preg_match('#^/modules/((servers|addons)/[A-Za-z0-9_]+/[A-Za-z0-9_./-]+)$#', $path, $m) && strpos($m[1], '..') === false) {
    $file = realpath(dirname(__DIR__) . '/php-shim/modules/' . $m[1]);
    $types = array('js' => 'text/javascript', 'css' => 'text/css', 'png' => 'image/png', 'svg' => 'image/svg+xml', 'woff2' => 'font/woff2', 'json' => 'application/json', 'map' => 'application/json');
    $ext = strtolower(pathinfo((string) $file, PATHINFO_EXTENSION));
    if ($file !== false && is_file($file) && isset($types[$ext])) {
        header('Content-Type: ' . $types[$ext]);
        readfile($file);
        return true;
    }
}

http_response_code(404);
header('Content-Type: text/plain; charset=utf-8');
echo "Not Found (dev WHMCS)\n";
return true;
