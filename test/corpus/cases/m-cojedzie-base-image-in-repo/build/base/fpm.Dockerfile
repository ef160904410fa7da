# Modelled on cojedzie/cojedzie:build/base/fpm.Dockerfile: builds the base image cojedzie/base:<v>-fpm
# (final stage FROM php:8.3-fpm-alpine; "not meant to be run", CMD /bin/false).
ARG BASE_VERSION=latest
ARG REGISTRY=docker.io
FROM $REGISTRY/cojedzie/base:$BASE_VERSION as base
RUN mv /var/www/vendor /opt/vendor

FROM php:8.3-fpm-alpine
COPY --from=mlocati/php-extension-installer /usr/bin/install-php-extensions /usr/local/bin/
RUN install-php-extensions bcmath intl opcache zip sockets pdo_pgsql
WORKDIR /var/www
COPY --from=base /opt/vendor /var/www/vendor
COPY --from=base /var/www /var/www
ENV APP_ENV=prod
CMD ["/bin/false"]
