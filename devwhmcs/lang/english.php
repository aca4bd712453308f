<?php
// A minimal subset of WHMCS's own client-area strings (lang/english.php), for the dev frame only.
$_LANG['locale'] = 'en_GB';
$_LANG['clientareanavhome'] = 'Home';
$_LANG['clientareaproducts'] = 'My Products & Services';
$_LANG['clientareaproductdetails'] = 'Product Details';
$_LANG['clientareastatus'] = 'Status';
$_LANG['clientareahostingdomain'] = 'Domain';
$_LANG['clientareaactive'] = 'Active';
$_LANG['clientareasuspended'] = 'Suspended';
$_LANG['clientareaterminated'] = 'Terminated';
$_LANG['clientareapending'] = 'Pending';
$_LANG['moduleactionsuccess'] = 'Action Completed Successfully!';
$_LANG['moduleactionfailed'] = 'Action Failed';
$_LANG['serverchangepassword'] = 'Change Password';
$_LANG['newpassword'] = 'New Password';
$_LANG['confirmnewpassword'] = 'Confirm New Password';
$_LANG['clientareasavechanges'] = 'Save Changes';
$_LANG['serverchangepasswordsuccessful'] = 'Password Changed Successfully!';
$_LANG['serverchangepasswordfailed'] = 'Password Change Failed';
$_LANG['clientareaerrorpasswordnotmatch'] = 'The passwords you entered did not match';
$_LANG['logouttitle'] = 'Logout';
$_LANG['loginbutton'] = 'Login';
$_LANG['clientareaemail'] = 'Email Address';
$_LANG['clientareapassword'] = 'Password';
$_LANG['loginincorrect'] = 'Login Details Incorrect. Please try again.';
$_LANG['actions'] = 'Actions';
