# Modelled on the Lagoon Drupal example's lagoon/nginx.dockerfile: FROM uselagoon/nginx-drupal
# (FROM uselagoon/nginx, FROM openresty/openresty:*-alpine: STOPSIGNAL SIGQUIT; PID 1 tini, which forwards signals).
ARG CLI_IMAGE
FROM ${CLI_IMAGE:-cli} AS cli
FROM uselagoon/nginx-drupal:latest
COPY --from=cli /app /app
ENV WEBROOT=docroot
