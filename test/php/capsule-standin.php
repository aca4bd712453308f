<?php
/**
 * A stand-in for the one piece of WHMCS's Capsule the shim uses: reading the addon's settings
 * (tbladdonmodules where module = pvebridge_admin) and single columns by id. The rows come from
 * the harness job's "addonSettings"; the dev WHMCS has a real database-backed Capsule.
 */

namespace WHMCS\Database;

class Capsule
{
    public static function table($table)
    {
        return new CapsuleQuery($table);
    }
}

class CapsuleQuery
{
    private $table;
    private $where = array();

    public function __construct($table)
    {
        $this->table = $table;
    }

    public function where($column, $value)
    {
        $this->where[$column] = $value;
        return $this;
    }

    public function get()
    {
        if ($this->table !== 'tbladdonmodules' || $this->where !== array('module' => 'pvebridge_admin')) {
            return array();
        }
        $rows = array();
        foreach ($GLOBALS['harness_addon_settings'] as $setting => $value) {
            $rows[] = (object) array('setting' => $setting, 'value' => $value);
        }
        return $rows;
    }

    public function value($column)
    {
        return null;
    }
}
