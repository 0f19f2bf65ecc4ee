"""The apps layer: Voila dashboards for officials, and serving them.

- :mod:`huainan.apps.widgets` the apps (monitor, regions, what-if, landing page);
- :mod:`huainan.apps.server` ``huainan serve``: Voila under supervision, prerendering;
- :mod:`huainan.apps.voila_app` the project's Voila application (page template, routes);
- :mod:`huainan.apps.browser` driving headless Chromium (tests, benchmarks, screenshots).

The top layer: may import any layer below, nothing imports it (except :mod:`huainan.cli`).
"""
