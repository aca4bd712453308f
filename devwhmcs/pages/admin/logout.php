<?php
// Admin logout.
unset($_SESSION['adminid']);
devwhmcs_redirect('login.php');
