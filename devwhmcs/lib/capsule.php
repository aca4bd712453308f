<?php
/**
 * The part of WHMCS's `WHMCS\Database\Capsule` (Laravel's query builder) a module may use
 * (whmcs-module-api.md §6): table()->where()/whereIn()/orderBy()/limit() then
 * get()/first()/value()/pluck()/count()/insert()/insertGetId()/update()/delete(); rows are
 * stdClass, get()/pluck() return a small Collection. connection()->getPdo()/transaction().
 * Every failure throws, as Capsule does.
 */

namespace WHMCS\Database;

class Collection implements \IteratorAggregate, \Countable
{
    private $items;

    public function __construct(array $items)
    {
        $this->items = $items;
    }

    public function getIterator(): \Iterator
    {
        return new \ArrayIterator($this->items);
    }

    public function count(): int
    {
        return count($this->items);
    }

    public function all()
    {
        return $this->items;
    }

    public function toArray()
    {
        return array_map(function ($i) {
            return is_object($i) ? (array) $i : $i;
        }, $this->items);
    }

    public function first()
    {
        return $this->items ? reset($this->items) : null;
    }

    public function isEmpty()
    {
        return !$this->items;
    }
}

class Query
{
    private $table;
    private $wheres = array();
    private $args = array();
    private $order = '';
    private $limit = '';

    public function __construct($table)
    {
        $this->table = self::ident($table);
    }

    private static function ident($name)
    {
        if (!preg_match('/^[A-Za-z0-9_]+$/', (string) $name)) {
            throw new \InvalidArgumentException('Capsule: invalid identifier ' . $name);
        }
        return '`' . $name . '`';
    }

    public function where($column, $op = null, $value = null)
    {
        if (is_array($column)) {
            foreach ($column as $c => $v) {
                $this->where($c, '=', $v);
            }
            return $this;
        }
        if (func_num_args() === 2) {
            $value = $op;
            $op = '=';
        }
        if (!in_array($op, array('=', '!=', '<>', '<', '>', '<=', '>=', 'like'), true)) {
            throw new \InvalidArgumentException('Capsule: unsupported operator ' . $op);
        }
        $this->wheres[] = self::ident($column) . ' ' . $op . ' ?';
        $this->args[] = $value;
        return $this;
    }

    public function whereIn($column, array $values)
    {
        if (!$values) {
            $this->wheres[] = '1 = 0';
            return $this;
        }
        $this->wheres[] = self::ident($column) . ' IN (' . implode(', ', array_fill(0, count($values), '?')) . ')';
        $this->args = array_merge($this->args, array_values($values));
        return $this;
    }

    public function orderBy($column, $direction = 'asc')
    {
        $this->order = ' ORDER BY ' . self::ident($column) . (strtolower($direction) === 'desc' ? ' DESC' : ' ASC');
        return $this;
    }

    public function limit($n)
    {
        $this->limit = ' LIMIT ' . (int) $n;
        return $this;
    }

    private function whereSql()
    {
        return $this->wheres ? ' WHERE ' . implode(' AND ', $this->wheres) : '';
    }

    private function run($sql, array $args)
    {
        $st = \devwhmcs_pdo()->prepare($sql);
        $st->execute($args);
        return $st;
    }

    public function get($columns = array('*'))
    {
        $cols = $columns === array('*') || $columns === '*' ? '*' : implode(', ', array_map(array(__CLASS__, 'ident'), (array) $columns));
        $st = $this->run('SELECT ' . $cols . ' FROM ' . $this->table . $this->whereSql() . $this->order . $this->limit, $this->args);
        return new Collection($st->fetchAll(\PDO::FETCH_OBJ));
    }

    public function first($columns = array('*'))
    {
        $this->limit = ' LIMIT 1';
        return $this->get($columns)->first();
    }

    public function value($column)
    {
        $row = $this->first(array($column));
        return $row ? $row->$column : null;
    }

    public function pluck($column)
    {
        $out = array();
        foreach ($this->get(array($column)) as $row) {
            $out[] = $row->$column;
        }
        return new Collection($out);
    }

    public function count()
    {
        return (int) $this->run('SELECT COUNT(*) FROM ' . $this->table . $this->whereSql(), $this->args)->fetchColumn();
    }

    public function insertGetId(array $values)
    {
        return \db_insert(trim($this->table, '`'), $values);
    }

    public function insert(array $values)
    {
        $rows = isset($values[0]) && is_array($values[0]) ? $values : array($values);
        foreach ($rows as $row) {
            \db_insert(trim($this->table, '`'), $row);
        }
        return true;
    }

    public function update(array $values)
    {
        $set = array();
        foreach (array_keys($values) as $c) {
            $set[] = self::ident($c) . ' = ?';
        }
        return $this->run('UPDATE ' . $this->table . ' SET ' . implode(', ', $set) . $this->whereSql(), array_merge(array_values($values), $this->args))->rowCount();
    }

    public function delete()
    {
        return $this->run('DELETE FROM ' . $this->table . $this->whereSql(), $this->args)->rowCount();
    }
}

class Connection
{
    public function getPdo()
    {
        return \devwhmcs_pdo();
    }

    public function transaction(callable $fn)
    {
        $pdo = \devwhmcs_pdo();
        $pdo->beginTransaction();
        try {
            $r = $fn($this);
            $pdo->commit();
            return $r;
        } catch (\Throwable $e) {
            $pdo->rollBack();
            throw $e;
        }
    }
}

class Capsule
{
    public static function table($name)
    {
        return new Query($name);
    }

    public static function connection()
    {
        return new Connection();
    }
}
