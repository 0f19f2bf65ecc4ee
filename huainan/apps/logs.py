"""The apps' server log: what failed, and how long screens took, for the administrator.

Officials never see a traceback; the details go here (:func:`server_log`).
"""

from __future__ import annotations

import logging
import sys

LOG = logging.getLogger("huainan.apps")


def server_log() -> logging.Logger:
    """Return the ``huainan.apps`` logger, writing to the server's console.

    In a Voila kernel ``sys.stderr`` is redirected to the page; ``sys.__stderr__`` is the kernel
    process's own stderr, inherited from the Voila server, so log lines land in the server log.
    Python warnings (``logging.captureWarnings``) and the ``comm`` package's errors (its
    ``Comm`` logger) are routed there too, so they never appear on an official's screen.
    """
    if not any(getattr(h, "_huainan", False) for h in LOG.handlers):
        handler = logging.StreamHandler(sys.__stderr__ or sys.stderr)
        handler.setFormatter(
            logging.Formatter("[huainan.apps %(asctime)s %(levelname)s] %(message)s", "%H:%M:%S")
        )
        handler._huainan = True  # type: ignore[attr-defined]  # marks our own handler
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False
        logging.captureWarnings(True)
        # warnings, and the comm package's errors (a malformed message from a browser: logged
        # with a traceback that would otherwise reach the page through logging's last-resort
        # handler, which writes to the redirected sys.stderr)
        for name in ("py.warnings", "Comm"):
            other = logging.getLogger(name)
            other.addHandler(handler)
            other.propagate = False
    return LOG
