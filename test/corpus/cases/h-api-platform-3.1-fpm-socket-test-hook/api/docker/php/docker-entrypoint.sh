#!/bin/sh
# Modelled on api-platform/api-platform:api/docker/php/docker-entrypoint.sh at 74b56b4: ends with exec,
# so php-fpm becomes PID 1 through docker-php-entrypoint's own `exec "$@"`.
set -e
if [ "${1#-}" != "$1" ]; then
	set -- php-fpm "$@"
fi
exec docker-php-entrypoint "$@"
