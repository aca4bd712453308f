<?php
// A minimal subset of WHMCS's own client-area strings (lang/german.php), for the dev frame only.
$_LANG['locale'] = 'de_DE';
$_LANG['clientareanavhome'] = 'Startseite';
$_LANG['clientareaproducts'] = 'Meine Produkte & Dienstleistungen';
$_LANG['clientareaproductdetails'] = 'Produktdetails';
$_LANG['clientareastatus'] = 'Status';
$_LANG['clientareahostingdomain'] = 'Domain';
$_LANG['clientareaactive'] = 'Aktiv';
$_LANG['clientareasuspended'] = 'Gesperrt';
$_LANG['clientareaterminated'] = 'Gekündigt';
$_LANG['clientareapending'] = 'Ausstehend';
$_LANG['moduleactionsuccess'] = 'Aktion erfolgreich ausgeführt!';
$_LANG['moduleactionfailed'] = 'Aktion fehlgeschlagen';
$_LANG['serverchangepassword'] = 'Passwort ändern';
$_LANG['newpassword'] = 'Neues Passwort';
$_LANG['confirmnewpassword'] = 'Neues Passwort bestätigen';
$_LANG['clientareasavechanges'] = 'Änderungen speichern';
$_LANG['serverchangepasswordsuccessful'] = 'Passwort erfolgreich geändert!';
$_LANG['serverchangepasswordfailed'] = 'Passwortänderung fehlgeschlagen';
$_LANG['clientareaerrorpasswordnotmatch'] = 'Die eingegebenen Passwörter stimmen nicht überein';
$_LANG['logouttitle'] = 'Abmelden';
$_LANG['loginbutton'] = 'Anmelden';
$_LANG['clientareaemail'] = 'E-Mail-Adresse';
$_LANG['clientareapassword'] = 'Passwort';
$_LANG['loginincorrect'] = 'Anmeldedaten falsch. Bitte versuchen Sie es erneut.';
$_LANG['actions'] = 'Aktionen';
