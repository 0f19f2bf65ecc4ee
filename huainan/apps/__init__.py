"""The apps layer: Voila dashboards for officials, and serving them.

One module per app, each with a class holding its controls and a ``*_app()`` builder the thin
notebook in ``notebooks/apps/`` calls:

- :mod:`huainan.apps.home` 首页 (the landing page's data status);
- :mod:`huainan.apps.monitor` 规划监测 (progress table and one indicator's trajectory);
- :mod:`huainan.apps.regional` 区域差距 (one indicator across the seven units);
- :mod:`huainan.apps.whatif` 情景推演 (projections and capacity to add).

Shared by them: :mod:`huainan.apps.base` (messages, failure handling, tables, chart panels),
:mod:`huainan.apps.cache` (rendered charts on disk), :mod:`huainan.apps.logs` (the server log),
:mod:`huainan.apps.prerender` (filling the chart cache ahead of the officials). Serving:
:mod:`huainan.apps.server` (``huainan serve``), :mod:`huainan.apps.voila_app` (the project's Voila
application), :mod:`huainan.apps.browser` (headless Chromium for tests and screenshots).

The top layer: may import any layer below; nothing below imports it.
"""
