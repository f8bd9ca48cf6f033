"""The clerk's console: ``/console/`` pages served by the API app itself. Every script, style and image it uses is in
``api/console/static``: no CDN, no outside request of any kind. ``mount.install`` adds it to the app."""
