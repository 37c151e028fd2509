<?php

declare(strict_types=1);

namespace DjangoBridge;

use DateTimeImmutable;
use DateTimeZone;

/**
 * Writes an instant the way Django stores it in each database, so rows written here compare
 * correctly with rows Django writes. PostgreSQL's columns are `timestamp with time zone`: the
 * offset is given. MySQL/MariaDB and SQLite hold naive wall time: UTC when Django runs with
 * USE_TZ = True, TIME_ZONE otherwise (and PHP code that wrote `date()` used date.timezone).
 */
final class DatabaseDateTime
{
    private readonly DateTimeZone $zone;

    public function __construct(private readonly string $driver, string $timeZone = 'UTC')
    {
        $this->zone = new DateTimeZone($timeZone);
    }

    public function format(DateTimeImmutable $instant): string
    {
        if ($this->driver === 'pgsql') {
            return $instant->setTimezone(new DateTimeZone('UTC'))->format('Y-m-d H:i:s.uP');
        }
        $wall = $instant->setTimezone($this->zone);
        // Python's str(datetime) omits a zero fraction; SQLite compares these as text.
        return $wall->format('u') === '000000' ? $wall->format('Y-m-d H:i:s') : $wall->format('Y-m-d H:i:s.u');
    }

    /** The zone naive values are written in. */
    public function zone(): DateTimeZone
    {
        return $this->zone;
    }

    public static function now(): DateTimeImmutable
    {
        return new DateTimeImmutable('now', new DateTimeZone('UTC'));
    }
}
