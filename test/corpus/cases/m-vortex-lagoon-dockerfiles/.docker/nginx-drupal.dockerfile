# Modelled on drevops/vortex:.docker/nginx-drupal.dockerfile: Lagoon's nginx-drupal image
# (uselagoon/nginx FROM openresty/openresty alpine, port 8080).
ARG CLI_IMAGE
FROM ${CLI_IMAGE:-cli} AS cli

FROM uselagoon/nginx-drupal:25.7.0
ARG WEBROOT=web
ENV WEBROOT=${WEBROOT}
COPY --from=cli /app /app
