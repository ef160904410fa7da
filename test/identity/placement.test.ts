import assert from "node:assert/strict";
import { test } from "node:test";
import { type ConfigPlacement, placementOf } from "../../src/model/settings.js";

const FPM_GLOBAL = "[global]\nprocess_control_timeout = 5s\n";
const NGINX_SERVER = "server {\n  listen 80;\n  location ~ \\.php$ { fastcgi_pass 127.0.0.1:9000; }\n}\n";

const CASES: [string, string, string | undefined, ConfigPlacement | undefined][] = [
  // PHP source, scripts and data: never a config, whatever the text
  [
    "Drupal's settings.php holding fpm-like text",
    "/var/www/html/sites/default/settings.php",
    FPM_GLOBAL,
    undefined,
  ],
  ["wp-config.php holding nginx-like text", "/var/www/html/wp-config.php", NGINX_SERVER, undefined],
  ["a .php file under /etc/nginx", "/etc/nginx/conf.d/site.conf.php", NGINX_SERVER, undefined],
  ["a .inc file", "/usr/local/etc/php-fpm.d/pool.inc", FPM_GLOBAL, undefined],
  ["a shell script", "/usr/local/bin/start.sh", FPM_GLOBAL, undefined],
  ["nginx's docroot index.html", "/usr/share/nginx/html/index.html", NGINX_SERVER, undefined],
  ["a file in nginx's docroot without extension", "/usr/share/nginx/html/50x", undefined, undefined],
  // supervisord's configs: not php.ini, though they end in .ini or sit in a conf.d
  ["a supervisord program on Alpine", "/etc/supervisor.d/php-fpm.ini", undefined, undefined],
  ["a supervisord program on Debian", "/etc/supervisor/conf.d/worker.conf", undefined, undefined],
  ["the supervisord.conf", "/etc/supervisord.conf", undefined, undefined],
  [
    "a [program:…] file elsewhere",
    "/config/queue.ini",
    "[program:queue]\ncommand=php artisan queue:work\n",
    undefined,
  ],
  // nginx
  ["/etc/nginx/conf.d/default.conf", "/etc/nginx/conf.d/default.conf", undefined, "nginx"],
  ["/etc/nginx/nginx.conf", "/etc/nginx/nginx.conf", undefined, "nginx"],
  ["the /etc/nginx folder itself", "/etc/nginx", undefined, "nginx"],
  ["openresty's conf folder", "/usr/local/openresty/nginx/conf/nginx.conf", undefined, "nginx"],
  [
    "an nginx snippet named php-fpm.conf under /etc/nginx",
    "/etc/nginx/conf.d/php-fpm.conf",
    undefined,
    "nginx",
  ],
  ["fastcgi-php.conf snippet", "/etc/nginx/snippets/fastcgi-php.conf", undefined, "nginx"],
  // php-fpm
  ["the official image's php-fpm.d/www.conf", "/usr/local/etc/php-fpm.d/www.conf", undefined, "fpm-include"],
  ["zz-docker.conf", "/usr/local/etc/php-fpm.d/zz-docker.conf", undefined, "fpm-include"],
  ["upper-case path", "/USR/LOCAL/ETC/PHP-FPM.D/WWW.CONF", undefined, "fpm-include"],
  ["Debian's pool.d", "/etc/php/8.2/fpm/pool.d/www.conf", undefined, "fpm-include"],
  ["Alpine's php83/php-fpm.d", "/etc/php83/php-fpm.d/www.conf", undefined, "fpm-include"],
  ["bitnami's php-fpm.d", "/opt/bitnami/php/etc/php-fpm.d/www.conf", undefined, "fpm-include"],
  ["php-fpm.conf (the main file)", "/usr/local/etc/php-fpm.conf", undefined, "fpm-main"],
  ["Debian's fpm/php-fpm.conf", "/etc/php/8.2/fpm/php-fpm.conf", undefined, "fpm-main"],
  // php.ini
  ["/usr/local/etc/php/conf.d/x.ini", "/usr/local/etc/php/conf.d/x.ini", undefined, "php-ini"],
  ["the conf.d folder", "/usr/local/etc/php/conf.d/", undefined, "php-ini"],
  ["php.ini", "/usr/local/etc/php/php.ini", undefined, "php-ini"],
  ["Debian's fpm/php.ini", "/etc/php/8.2/fpm/php.ini", undefined, "php-ini"],
  // a neutral path: the text decides
  ["a pool file elsewhere, by its [www] header", "/config/app.conf", "[www]\npm = dynamic\n", "fpm-include"],
  ["a [global] file elsewhere", "/config/app.conf", FPM_GLOBAL, "fpm-main"],
  ["an nginx server block elsewhere", "/config/app.conf", NGINX_SERVER, "nginx"],
  ["a [PHP] ini elsewhere", "/config/app.conf", "[PHP]\nmemory_limit = 1G\n", "php-ini"],
  ["text that is none of them", "/config/app.conf", "hello\n", undefined],
  ["no text and a neutral path", "/config/app.conf", undefined, undefined],
];

for (const [name, path, text, expected] of CASES) {
  test(`placementOf: ${name} → ${expected ?? "undefined"}`, () => {
    assert.equal(placementOf(path, text), expected, `${path} ${JSON.stringify(text)}`);
  });
}

test("placementOf: a .php file is never a config, whatever text it holds", () => {
  for (const text of [undefined, FPM_GLOBAL, NGINX_SERVER, "[PHP]\nx=1\n", "[www]\npm=static\n"])
    for (const path of [
      "settings.php",
      "/var/www/html/wp-config.php",
      "/etc/nginx/x.php",
      "/usr/local/etc/php-fpm.d/x.php",
    ])
      assert.equal(placementOf(path, text), undefined, `${path} ${JSON.stringify(text)}`);
});

test("placementOf: a pool file named for nginx in php-fpm.d is php-fpm's (/usr/local/etc/php-fpm.d/nginx.conf)", () => {
  assert.equal(placementOf("/usr/local/etc/php-fpm.d/nginx.conf", undefined), "fpm-include");
});
