<?php

declare(strict_types=1);

namespace DjangoBridge;

/** A stored hash asks for more work than the configured limits allow (a hostile or broken row). */
final class InvalidPasswordHash extends \RuntimeException
{
}
