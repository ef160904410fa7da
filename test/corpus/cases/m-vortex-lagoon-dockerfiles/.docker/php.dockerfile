# Modelled on drevops/vortex:.docker/php.dockerfile: copies the code from the CLI image built by
# .docker/cli.dockerfile; the runtime is Lagoon's php-fpm image (FROM php:8.3-fpm-alpine).
ARG CLI_IMAGE
FROM ${CLI_IMAGE:-cli} AS cli

FROM uselagoon/php-8.3-fpm:25.7.0
RUN apk add --no-cache tzdata
COPY --from=cli /app /app
