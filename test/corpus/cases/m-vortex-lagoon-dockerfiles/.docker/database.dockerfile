# Modelled on drevops/vortex:.docker/database.dockerfile (MySQL/MariaDB, not PHP: left alone)
FROM uselagoon/mysql-8.4:25.7.0
USER root
RUN mkdir -p /var/lib/mysql-seed
USER mysql
