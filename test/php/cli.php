<?php
// Answers a JSON list of operations on stdin with a JSON list of results, so tests can ask the
// PHP side (contrib/php) many questions in one process. Binary data travels as base64.

declare(strict_types=1);

require __DIR__ . '/../../contrib/php/autoload.php';

use DjangoBridge\DjangoPasswordHasher;
use DjangoBridge\InvalidPasswordHash;
use DjangoBridge\SessionAuthHash;
use DjangoBridge\SessionData;

$ops = json_decode((string) stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR);
$hasher = new DjangoPasswordHasher();
$out = [];
foreach ($ops as $op) {
    $out[] = match ($op['op']) {
        'verify' => (static function () use ($hasher, $op) {
            try {
                return $hasher->verify(base64_decode($op['password']), $op['encoded']);
            } catch (InvalidPasswordHash $e) {
                return ['error' => $e->getMessage()];
            }
        })(),
        'algorithm' => DjangoPasswordHasher::algorithm($op['encoded']),
        'session_data' => (static function () use ($op) {
            $data = SessionData::normalize(base64_decode($op['data']));
            return $data === null ? null : base64_encode($data);
        })(),
        'auth_hash' => SessionAuthHash::make($op['passwordHash'], $op['secretKey'], $op['algorithm'] ?? 'sha256'),
        'session_ids' => (static function () use ($op) {
            ini_set('session.sid_length', (string) $op['length']);
            ini_set('session.sid_bits_per_character', (string) $op['bits']);
            $ids = [];
            for ($i = 0; $i < $op['count']; $i++) {
                $ids[] = session_create_id();
            }
            return $ids;
        })(),
        'has_argon2' => defined('PASSWORD_ARGON2ID'),
        default => throw new InvalidArgumentException('unknown op ' . $op['op']),
    };
}
echo json_encode($out, JSON_THROW_ON_ERROR);
