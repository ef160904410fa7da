# Modelled on drevops/vortex:.docker/solr.dockerfile (Solr, not PHP: left alone)
FROM uselagoon/solr-9-drupal:25.7.0
COPY .docker/config/solr/config-set /solr-conf/conf/
CMD ["solr-precreate", "drupal", "/solr-conf"]
