# Modelled on the Lagoon Drupal example's lagoon/cli.dockerfile: the PHP CLI image (drush, composer, crond).
FROM uselagoon/php-8.3-cli-drupal:latest
COPY . /app
RUN composer install --no-dev
ENV WEBROOT=docroot
