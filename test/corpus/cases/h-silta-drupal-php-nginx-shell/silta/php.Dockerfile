# Modelled on the Silta project template's silta/php.Dockerfile (wunderio/drupal-project-k8s): the app image is
# built FROM Wunder's own php-fpm base, whose STOPSIGNAL and php-fpm [global] are not among the inputs.
FROM wunderio/silta-php-fpm:8.3-fpm-v1
COPY --chown=www-data:www-data . /app
USER www-data
