# Modelled on the Silta project template's silta/shell.Dockerfile: an ssh/drush shell image.
FROM wunderio/silta-php-shell:php8.3-v1
COPY --chown=www-data:www-data . /app
