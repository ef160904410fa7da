# Modelled on cojedzie/cojedzie:build/api/fpm.Dockerfile: the app image is built FROM the base image
# that build/base/fpm.Dockerfile builds in the same repo.
ARG BASE_VERSION=latest
ARG REGISTRY=docker.io
FROM $REGISTRY/cojedzie/base:${BASE_VERSION}-fpm as base
CMD ["./bin/docker-init.sh", "php-fpm"]
