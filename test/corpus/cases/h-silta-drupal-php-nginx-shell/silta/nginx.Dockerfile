# Modelled on the Silta project template's silta/nginx.Dockerfile: FROM Wunder's nginx base (not the official image).
FROM wunderio/silta-nginx:1.26-v1
COPY . /app/web
