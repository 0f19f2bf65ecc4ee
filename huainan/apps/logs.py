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
    process's own stderr, inherited from the Voila server, so log lines land in the server log
    (the app kernels are started with ipykernel's ``capture_fd_output`` off,
    :data:`huainan.apps.voila_app.KERNEL_ARGUMENTS`, so that stderr is not forwarded to the
    page either). Routed there too, so they never appear on an official's screen: Python
    warnings (``logging.captureWarnings``) and, when logging is not configured otherwise (no
    handler on the root logger, as in a kernel), every other library's log records — e.g. the
    tracebacks ``comm`` and ``ipykernel.comm`` log for a malformed message from a browser, which
    logging's last-resort handler would write to the redirected ``sys.stderr``, i.e. the page.
    """
    if not any(getattr(h, "_huainan", False) for h in LOG.handlers):
        handler = logging.StreamHandler(sys.__stderr__ or sys.stderr)
        handler.setFormatter(
            logging.Formatter("[%(name)s %(asctime)s %(levelname)s] %(message)s", "%H:%M:%S")
        )
        handler._huainan = True  # type: ignore[attr-defined]  # marks our own handler
        LOG.addHandler(handler)
        LOG.setLevel(logging.INFO)
        LOG.propagate = False
        logging.captureWarnings(True)
        warnings_log = logging.getLogger("py.warnings")
        warnings_log.addHandler(handler)
        warnings_log.propagate = False
        root = logging.getLogger()
        if not root.handlers:  # else records reach logging.lastResort: sys.stderr, the page
            root.addHandler(handler)
    return LOG
