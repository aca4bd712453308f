<?php
// Client logout.
unset($_SESSION['uid']);
devwhmcs_redirect('login.php');
