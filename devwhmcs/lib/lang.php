<?php
/**
 * Languages as WHMCS handles them: the 26 language file names WHMCS ships; the client's
 * language is the session's `Language` (set by `?language=NAME` on any client page, or at login
 * from tblclients.language), else the system default (tblconfiguration Language), else english.
 * The admin's language is tbladmins.language. $LANG is a minimal set of WHMCS's own client
 * strings (devwhmcs/lang/<language>.php over english.php) — the frame's, not the module's.
 */

function devwhmcs_languages()
{
    return array('arabic', 'azerbaijani', 'catalan', 'chinese', 'croatian', 'czech', 'danish', 'dutch', 'english', 'estonian', 'farsi', 'french', 'german', 'hebrew', 'hungarian', 'italian', 'macedonian', 'norwegian', 'portuguese-br', 'portuguese-pt', 'romanian', 'russian', 'spanish', 'swedish', 'turkish', 'ukranian');
}

function devwhmcs_valid_language($name)
{
    return is_string($name) && in_array(strtolower($name), devwhmcs_languages(), true) ? strtolower($name) : '';
}

/** `?language=german` switches the session's language, as WHMCS's client area does. */
function devwhmcs_client_language_switch()
{
    $asked = devwhmcs_valid_language(isset($_GET['language']) ? $_GET['language'] : '');
    if ($asked !== '') {
        $_SESSION['Language'] = $asked;
    }
}

function devwhmcs_client_language()
{
    $s = devwhmcs_valid_language(isset($_SESSION['Language']) ? $_SESSION['Language'] : '');
    if ($s !== '') {
        return $s;
    }
    $d = devwhmcs_valid_language(whmcs_setting('Language', 'english'));
    return $d !== '' ? $d : 'english';
}

function devwhmcs_admin_language()
{
    if (!empty($_SESSION['adminid'])) {
        $a = db_one('SELECT `language` FROM `tbladmins` WHERE `id` = ?', array((int) $_SESSION['adminid']));
        $l = $a ? devwhmcs_valid_language($a['language']) : '';
        if ($l !== '') {
            return $l;
        }
    }
    return 'english';
}

/** @return array<string, string> WHMCS's client strings for $language, english filling gaps */
function devwhmcs_LANG($language)
{
    $_LANG = array();
    include DEVWHMCS_ROOT . '/lang/english.php';
    $english = $_LANG;
    $_LANG = array();
    $file = DEVWHMCS_ROOT . '/lang/' . $language . '.php';
    if ($language !== 'english' && is_file($file)) {
        include $file;
    }
    return array_merge($english, $_LANG);
}
