#!/bin/sh
# Modelled on serversideup/docker-php:src/common/usr/local/bin/docker-php-serversideup-entrypoint (runs
# /etc/entrypoint.d scripts, then execs the command)
set -e
exec "$@"
