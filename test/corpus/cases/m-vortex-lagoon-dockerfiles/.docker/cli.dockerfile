# Modelled on drevops/vortex:.docker/cli.dockerfile (Lagoon CLI image; the code is built here)
FROM uselagoon/php-8.3-cli-drupal:25.7.0
ARG WEBROOT=web
ENV WEBROOT=${WEBROOT}
COPY composer.json composer.* /app/
RUN composer install -n --no-dev --prefer-dist --optimize-autoloader
COPY . /app
