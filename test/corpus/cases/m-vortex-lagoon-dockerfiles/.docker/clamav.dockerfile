# Modelled on drevops/vortex:.docker/clamav.dockerfile (ClamAV daemon, not PHP: left alone)
FROM clamav/clamav-debian:1.4
COPY .docker/config/clamav/clamav.conf /etc/clamav/clamd.conf
