<?php

declare(strict_types=1);

namespace DjangoBridge;

/**
 * Checks session_data before PHP's session extension unserializes it. Only plain data passes:
 * null, bool, int, float, string and array, in exactly PHP's `php_serialize` grammar, with an array
 * at the top. Objects (O:, C:), references (r:, R:), enums (E:), wrong lengths, truncation and
 * trailing bytes are refused, so a row that anyone could write never instantiates a class.
 *
 * Rows that a Python 3 Django wrote through django-php-bridge hold the text `b'a:...'` (Python's
 * repr of bytes); normalize() turns those back into the bytes PHP wrote.
 */
final class SessionData
{
    /** Deepest array nesting accepted, as in the TypeScript reader. */
    public const MAX_DEPTH = 64;
    /** Largest session_data accepted, in bytes. */
    public const MAX_SIZE = 4 * 1024 * 1024;

    private function __construct(private readonly string $buf, private int $pos = 0)
    {
    }

    /** The php_serialize text to hand PHP, or null when the row is not acceptable session data. */
    public static function normalize(string $stored): ?string
    {
        $data = self::unwrapBytesLiteral($stored) ?? $stored;
        return self::isValid($data) ? $data : null;
    }

    /** True when $data is a php_serialize'd array of plain values and nothing else. */
    public static function isValid(string $data): bool
    {
        if (strlen($data) > self::MAX_SIZE || ($data[0] ?? '') !== 'a') {
            return false;
        }
        $reader = new self($data);
        return $reader->value(0) && $reader->pos === strlen($data);
    }

    /**
     * The bytes of a Python bytes literal such as `b'a:1:{s:1:"x";i:1;}'`, or null when $text is
     * not one (or is a malformed one: an unknown escape is refused, never guessed).
     */
    public static function unwrapBytesLiteral(string $text): ?string
    {
        $len = strlen($text);
        if ($len < 3 || $text[0] !== 'b' || ($text[1] !== "'" && $text[1] !== '"') || $text[$len - 1] !== $text[1]) {
            return null;
        }
        $quote = $text[1];
        $simple = ['\\' => "\\", "'" => "'", '"' => '"', 'n' => "\n", 'r' => "\r", 't' => "\t"];
        $out = '';
        for ($i = 2; $i < $len - 1; $i++) {
            $ch = $text[$i];
            if ($ch === '\\') {
                $next = $text[$i + 1] ?? '';
                if ($next === 'x' && $i + 3 < $len - 1 && ctype_xdigit(substr($text, $i + 2, 2))) {
                    $out .= chr(hexdec(substr($text, $i + 2, 2)));
                    $i += 3;
                } elseif ($next !== '' && $i + 1 < $len - 1 && isset($simple[$next])) {
                    $out .= $simple[$next];
                    $i += 1;
                } else {
                    return null;
                }
            } elseif ($ch === $quote || ord($ch) < 0x20 || ord($ch) > 0x7e) {
                return null;
            } else {
                $out .= $ch;
            }
        }
        return $out;
    }

    private function value(int $depth): bool
    {
        $type = $this->buf[$this->pos] ?? '';
        switch ($type) {
            case 'N':
                $this->pos++;
                return $this->expect(';');
            case 'b':
                $v = $this->tagged(1);
                return $v === '0' || $v === '1';
            case 'i':
                $v = $this->tagged(32);
                return $v !== null && self::isInt($v);
            case 'd':
                $v = $this->tagged(400);
                return $v !== null && preg_match('/^(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|INF|-INF|NAN)$/D', $v) === 1;
            case 's':
                return $this->string();
            case 'a':
                return $depth < self::MAX_DEPTH && $this->array($depth + 1);
            default:
                // O, C (objects), r, R (references), E (enums), anything else, or the end.
                return false;
        }
    }

    /** After a type letter: ":" then text up to ";" of at most $max bytes. */
    private function tagged(int $max): ?string
    {
        $this->pos++;
        if (!$this->expect(':')) {
            return null;
        }
        return $this->field(';', $max);
    }

    private function field(string $terminator, int $max): ?string
    {
        $end = strpos($this->buf, $terminator, $this->pos);
        if ($end === false || $end - $this->pos > $max) {
            return null;
        }
        $text = substr($this->buf, $this->pos, $end - $this->pos);
        $this->pos = $end + 1;
        return $text;
    }

    private function expect(string $byte): bool
    {
        if (($this->buf[$this->pos] ?? '') !== $byte) {
            return false;
        }
        $this->pos++;
        return true;
    }

    private static function isInt(string $text): bool
    {
        if (preg_match('/^[+-]?[0-9]+$/D', $text) !== 1) {
            return false;
        }
        // Within int64, as PHP holds it; beyond that PHP would clamp with a warning.
        $digits = ltrim(ltrim($text, '+-'), '0');
        if (strlen($digits) < 19) {
            return true;
        }
        if (strlen($digits) > 19) {
            return false;
        }
        return strcmp($digits, $text[0] === '-' ? '9223372036854775808' : '9223372036854775807') <= 0;
    }

    private function length(): ?int
    {
        $text = $this->field(':', 10);
        return $text !== null && preg_match('/^[0-9]+$/D', $text) === 1 ? (int) $text : null;
    }

    /** `s:<n>:"<n bytes>";` with the length counted in bytes. */
    private function string(): bool
    {
        $this->pos++;
        if (!$this->expect(':')) {
            return false;
        }
        $len = $this->length();
        if ($len === null || !$this->expect('"') || $len > strlen($this->buf) - $this->pos) {
            return false;
        }
        $this->pos += $len;
        return $this->expect('"') && $this->expect(';');
    }

    private function array(int $depth): bool
    {
        $this->pos++;
        if (!$this->expect(':')) {
            return false;
        }
        $count = $this->length();
        // Each entry takes at least 6 bytes ("i:0;N;"), so a larger count cannot be true.
        if ($count === null || $count > (strlen($this->buf) - $this->pos) / 6 || !$this->expect('{')) {
            return false;
        }
        for ($i = 0; $i < $count; $i++) {
            $keyType = $this->buf[$this->pos] ?? '';
            $key = $keyType === 'i' ? $this->value($depth) : ($keyType === 's' ? $this->string() : false);
            if (!$key || !$this->value($depth)) {
                return false;
            }
        }
        return $this->expect('}');
    }
}
