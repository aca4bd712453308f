<?php
// Client login form (WHMCS posts it to dologin.php with the CSRF token).
devwhmcs_client_language_switch();
$LANG = devwhmcs_LANG(devwhmcs_client_language());
$error = isset($_GET['incorrect']) ? '<div class="alert alert-danger" role="alert">' . e($LANG['loginincorrect']) . '</div>' : '';
$goto = req('goto');
$body = $error . '<form method="post" action="dologin.php">' . generate_token()
    . ($goto !== '' ? '<input type="hidden" name="goto" value="' . e($goto) . '">' : '')
    . '<p><label for="inputEmail">' . e($LANG['clientareaemail']) . '</label><br><input type="email" id="inputEmail" name="username" autocomplete="username" required></p>'
    . '<p><label for="inputPassword">' . e($LANG['clientareapassword']) . '</label><br><input type="password" id="inputPassword" name="password" autocomplete="current-password" required></p>'
    . '<p><button type="submit" id="login">' . e($LANG['loginbutton']) . '</button></p></form>';
devwhmcs_send_page($LANG['loginbutton'], $body, 'client');
