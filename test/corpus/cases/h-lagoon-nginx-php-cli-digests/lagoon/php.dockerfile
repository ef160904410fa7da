# Modelled on the Lagoon Drupal example's lagoon/php.dockerfile: FROM uselagoon/php-8.3-fpm (FROM php:8.3-fpm-alpine:
# STOPSIGNAL SIGQUIT, busybox; ships php-fpm.d/global.conf with [global] process_control_timeout = 30s).
ARG CLI_IMAGE
FROM ${CLI_IMAGE:-cli} AS cli
FROM uselagoon/php-8.3-fpm:latest
COPY --from=cli /app /app
