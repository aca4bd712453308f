<?php
// Client login: email + password against tblclients.password (a password_hash); the client's
// language (tblclients.language) becomes the session's, as WHMCS does at login.
if (!devwhmcs_is_post()) {
    devwhmcs_redirect('login.php');
}
check_token('WHMCS.default');
$email = trim(req('username'));
$client = db_one('SELECT * FROM `tblclients` WHERE LOWER(`email`) = LOWER(?)', array($email));
if (!$client || $client['status'] === 'Closed' || !password_verify(req('password'), (string) $client['password'])) {
    devwhmcs_redirect('login.php?incorrect=true');
}
session_regenerate_id(true);
$_SESSION['uid'] = (int) $client['id'];
unset($_SESSION['tkval']); // a fresh CSRF token for the new login
$language = devwhmcs_valid_language($client['language']);
if ($language !== '') {
    $_SESSION['Language'] = $language;
}
db_update('tblclients', array('lastlogin' => db_now()), array('id' => (int) $client['id']));
$goto = req('goto');
devwhmcs_redirect(preg_match('#^clientarea\.php(\?[^\s]*)?$#', $goto) ? $goto : 'clientarea.php');
