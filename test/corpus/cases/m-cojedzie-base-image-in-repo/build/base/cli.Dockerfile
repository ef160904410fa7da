# Modelled on cojedzie/cojedzie:build/base/cli.Dockerfile: builds cojedzie/base:<v>-cli (PHP CLI, no fpm)
FROM php:8.3-cli-alpine
WORKDIR /var/www
COPY . .
CMD ["/bin/false"]
