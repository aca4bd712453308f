<?php
// Admin login: tbladmins.username + password (a password_hash), disabled admins refused.
$error = '';
if (devwhmcs_is_post()) {
    check_token('WHMCS.admin.default');
    $admin = db_one('SELECT * FROM `tbladmins` WHERE `username` = ?', array(req('username')));
    if ($admin && (int) $admin['disabled'] === 0 && password_verify(req('password'), (string) $admin['password'])) {
        session_regenerate_id(true);
        $_SESSION['adminid'] = (int) $admin['id'];
        $lang = devwhmcs_valid_language($admin['language']);
        $_SESSION['adminlang'] = $lang !== '' ? $lang : 'english';
        unset($_SESSION['tkval']);
        $to = req('redirect');
        devwhmcs_redirect(preg_match('#^[a-z]+\.php(\?[^\s]*)?$#', $to) ? $to : 'index.php');
    }
    $error = '<div class="alert alert-danger" role="alert">Login Details Incorrect. Please try again.</div>';
}
$redirect = req('redirect');
$body = $error . '<form method="post" action="login.php">' . generate_token()
    . ($redirect !== '' ? '<input type="hidden" name="redirect" value="' . e($redirect) . '">' : '')
    . '<p><label for="adminUsername">Username</label><br><input type="text" id="adminUsername" name="username" autocomplete="username" required></p>'
    . '<p><label for="adminPassword">Password</label><br><input type="password" id="adminPassword" name="password" autocomplete="current-password" required></p>'
    . '<p><button type="submit">Login</button></p></form>';
devwhmcs_send_page('Admin Login', $body, 'admin');
