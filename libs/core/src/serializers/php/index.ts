/** PHP's serialize() format (the php_serialize session handler), for the PHP bridge. */
export { phpSerialize } from './php-serialize.js';
export { phpUnserialize, type PhpUnserializeOptions } from './php-unserialize.js';
export { phpFloatText } from './php-float.js';
export { parsePythonBytesLiteral } from './python-bytes-literal.js';
