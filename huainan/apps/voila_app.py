"""The Voila application that serves the apps for officials (run by ``huainan serve``).

Voila 0.5 serving a folder shows its own English file list ("Voilà Home") at the root URL and
has no option to open a notebook there instead (voila-dashboards/voila#540 is still open). The
documented alternative — Voila as a Jupyter-server extension with ``ServerApp.default_url`` —
would also expose Jupyter server's REST API (kernels that run any code, file writes) on the
officials' port. So this module keeps the standalone Voila server, which lets a page's kernel
receive widget messages only, and adds two things to it:

- :class:`AppsVoila`: Voila with one more route, ``/`` → a temporary redirect (302) to the
  landing page 首页 (``/voila/render/index.ipynb``). The file list stays at ``/voila/tree``.
  An address that matches no route gets the template's Chinese 404 page (:class:`PageNotFound`)
  instead of tornado's bare English one;
- :data:`TEMPLATE_ROOT` on ``JUPYTER_PATH``: there Voila finds the page template ``huainan``
  (``huainan/apps/templates/voila/templates/huainan``, chosen in ``notebooks/apps/voila.json``), which
  extends Voila's ``lab`` template: no stylesheet or script from a CDN (Voila's bundle already
  carries Font Awesome), a Chinese message in place of Voila's English notice when a cell fails
  (the details stay in the server log), and Chinese HTTP error pages (404 …).

Run it in ``notebooks/apps`` (Voila reads ``voila.json`` from the current folder)::

    cd notebooks/apps && python -m huainan.apps.voila_app . --port=8866

:func:`huainan.apps.server.voila_command` builds that command line.
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_server.utils import url_path_join
from tornado.web import HTTPError, RedirectHandler
from voila.app import Voila
from voila.handler import BaseVoilaHandler

#: A Jupyter data folder holding ``voila/templates/huainan``.
TEMPLATE_ROOT: Path = Path(__file__).resolve().parent / "templates"
#: The page template (``VoilaConfiguration.template`` in ``voila.json``).
TEMPLATE = "huainan"
#: The landing page 首页, where the root URL leads.
HOME_PAGE = "index.ipynb"


def home_path(server_url: str = "/") -> str:
    """URL path of the landing page under Voila's ``server_url``.

    Examples
    --------
    >>> home_path(), home_path("/apps/")
    ('/voila/render/index.ipynb', '/apps/voila/render/index.ipynb')
    """
    return url_path_join(server_url, "voila", "render", HOME_PAGE)


class PageNotFound(BaseVoilaHandler):
    """Any address without a route: 404, rendered by Voila's template (``404.html``)."""

    def get(self, *args, **kwargs):
        raise HTTPError(404)


class AppsVoila(Voila):
    """Voila serving a folder, with the root URL redirected to the landing page.

    Everything else — configuration (``voila.json``, command-line options), kernels, handlers —
    is Voila's own. The redirect is temporary (302) so that browsers do not remember it.
    """

    description = "Voila serving the Huainan apps; / opens the landing page (首页)."

    def init_settings(self) -> dict:
        settings = super().init_settings()
        # tornado consults these when no rule matches a request
        settings["default_handler_class"] = PageNotFound
        settings["default_handler_args"] = {"voila_configuration": self.voila_configuration}
        return settings

    def init_handlers(self) -> list:
        handlers = super().init_handlers()
        if self.notebook_path:  # one notebook: Voila already renders it at /
            return handlers
        root = url_path_join(self.server_url, "/")
        # tornado tries rules in order: this one comes before Voila's file list at the root
        return [
            (root, RedirectHandler, {"url": home_path(self.server_url), "permanent": False}),
            *handlers,
        ]


def with_template_path(environ: dict[str, str]) -> dict[str, str]:
    """``environ`` with :data:`TEMPLATE_ROOT` first on ``JUPYTER_PATH`` (Jupyter's search path
    for data files: Voila looks for templates in ``<each entry>/voila/templates``).

    Examples
    --------
    >>> env = with_template_path({"JUPYTER_PATH": "/x"})
    >>> env["JUPYTER_PATH"] == os.pathsep.join([str(TEMPLATE_ROOT), "/x"])
    True
    """
    rest = [
        p
        for p in environ.get("JUPYTER_PATH", "").split(os.pathsep)
        if p and p != str(TEMPLATE_ROOT)
    ]
    return {**environ, "JUPYTER_PATH": os.pathsep.join([str(TEMPLATE_ROOT), *rest])}


def main(argv: list[str] | None = None) -> None:
    """Start :class:`AppsVoila` (arguments as for ``voila``; default ``sys.argv[1:]``)."""
    os.environ.update(with_template_path(dict(os.environ)))
    AppsVoila.launch_instance(argv)


if __name__ == "__main__":
    main()
