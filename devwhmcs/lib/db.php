<?php
/**
 * The dev WHMCS's database: the same one the gateway uses (PDO sqlite for `sqlite:` URLs,
 * mysql for `mysql://` URLs). Identifiers are back-quoted: MySQL and SQLite both accept that.
 */

function devwhmcs_pdo()
{
    static $pdo = null;
    if ($pdo !== null) {
        return $pdo;
    }
    $url = devwhmcs_config('db');
    if (strpos($url, 'sqlite:') === 0) {
        $pdo = new PDO('sqlite:' . substr($url, 7), null, null, array(PDO::ATTR_TIMEOUT => 10));
        $pdo->exec('PRAGMA busy_timeout = 10000');
    } else {
        $u = parse_url($url);
        $dsn = 'mysql:host=' . $u['host'] . ';port=' . (isset($u['port']) ? $u['port'] : 3306) . ';dbname=' . ltrim($u['path'], '/') . ';charset=utf8mb4';
        $pdo = new PDO($dsn, isset($u['user']) ? urldecode($u['user']) : 'root', isset($u['pass']) ? urldecode($u['pass']) : '');
    }
    $pdo->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
    $pdo->setAttribute(PDO::ATTR_DEFAULT_FETCH_MODE, PDO::FETCH_ASSOC);
    return $pdo;
}

function devwhmcs_is_sqlite()
{
    return strpos(devwhmcs_config('db'), 'sqlite:') === 0;
}

/** @return array<int, array<string, mixed>> */
function db_all($sql, array $args = array())
{
    $st = devwhmcs_pdo()->prepare($sql);
    $st->execute($args);
    return $st->fetchAll();
}

/** @return array<string, mixed>|null */
function db_one($sql, array $args = array())
{
    $rows = db_all($sql, $args);
    return $rows ? $rows[0] : null;
}

function db_exec($sql, array $args = array())
{
    $st = devwhmcs_pdo()->prepare($sql);
    $st->execute($args);
    return $st->rowCount();
}

/**
 * NOT NULL columns without a default, with the blank WHMCS stores for them (WHMCS fills every
 * column on insert; MySQL in strict mode refuses a row that leaves one out).
 *
 * @return array<string, mixed>
 */
function db_blanks($table)
{
    static $cache = array();
    if (isset($cache[$table])) {
        return $cache[$table];
    }
    $blanks = array();
    if (devwhmcs_is_sqlite()) {
        foreach (db_all('PRAGMA table_info(`' . $table . '`)') as $c) {
            if ((int) $c['notnull'] === 1 && $c['dflt_value'] === null && (int) $c['pk'] === 0) {
                $blanks[$c['name']] = db_blank_for($c['type']);
            }
        }
    } else {
        foreach (db_all('SHOW COLUMNS FROM `' . $table . '`') as $c) {
            if ($c['Null'] === 'NO' && $c['Default'] === null && strpos($c['Extra'], 'auto_increment') === false) {
                $blanks[$c['Field']] = db_blank_for($c['Type']);
            }
        }
    }
    return $cache[$table] = $blanks;
}

function db_blank_for($type)
{
    $t = strtolower($type);
    if (preg_match('/int|decimal|numeric|float|double/', $t)) {
        return 0;
    }
    if (strpos($t, 'datetime') === 0 || strpos($t, 'timestamp') === 0) {
        return '0000-00-00 00:00:00';
    }
    if (strpos($t, 'date') === 0) {
        return '0000-00-00';
    }
    if (preg_match("/^enum\\('([^']*)'/", $t, $m)) {
        return $m[1];
    }
    return '';
}

/** Inserts a row, filling the NOT NULL columns it does not name; returns the new id. */
function db_insert($table, array $values)
{
    $row = array_merge(db_blanks($table), $values);
    $cols = array_keys($row);
    $sql = 'INSERT INTO `' . $table . '` (`' . implode('`, `', $cols) . '`) VALUES (' . implode(', ', array_fill(0, count($cols), '?')) . ')';
    db_exec($sql, array_values($row));
    return (int) devwhmcs_pdo()->lastInsertId();
}

function db_update($table, array $values, array $where)
{
    $set = array();
    foreach (array_keys($values) as $c) {
        $set[] = '`' . $c . '` = ?';
    }
    $cond = array();
    foreach (array_keys($where) as $c) {
        $cond[] = '`' . $c . '` = ?';
    }
    $sql = 'UPDATE `' . $table . '` SET ' . implode(', ', $set) . ' WHERE ' . implode(' AND ', $cond);
    return db_exec($sql, array_merge(array_values($values), array_values($where)));
}

function db_now()
{
    return gmdate('Y-m-d H:i:s');
}

/** tblconfiguration value, or $default. */
function whmcs_setting($name, $default = '')
{
    $row = db_one('SELECT `value` FROM `tblconfiguration` WHERE `setting` = ?', array($name));
    return $row ? (string) $row['value'] : $default;
}
