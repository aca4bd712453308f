<?php
// WHMCS's client home: the client area when logged in, else the login page.
devwhmcs_redirect(!empty($_SESSION['uid']) ? 'clientarea.php' : 'login.php');
