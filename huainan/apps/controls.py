"""What a viewer's browser may change in an app, checked in the kernel (every app, one place).

A page's widgets are driven by ``comm_msg`` messages from the browser; a script can send any
message a browser could, and more: an index outside a dropdown's options, a slider value off
its steps or out of its range (each would be drawn and stored in the shared chart cache), a
change to a disabled toggle, a new ``max`` for a slider, keys the front end never sends. By
default ipywidgets applies whatever arrives (its traits clamp some values, check none of the
rest) and sends a failure back to the browser as a full traceback with server paths.

:func:`protect` replaces the message handler of every widget of a screen (through the comm's
public ``on_msg``) by :func:`handle_message`, which accepts only what the control offers:

====================================  =============================================================
widget                                accepted from the browser
====================================  =============================================================
Dropdown, ToggleButtons, Select …     ``index``: an int of one of the current options
FloatSlider, IntSlider …              ``value``: a number within ``min``–``max`` on the ``step`` grid
                                      (snapped to the exact grid value)
Text, Password, Textarea              ``value``: a string of at most ``TEXT_MAX_CHARS`` (1,000)
                                      characters (Textarea 10,000); the Enter key's ``submit``
FileUpload                            ``value``: at most :data:`UPLOAD_MAX_FILES` files (one unless
                                      ``multiple``), names ending as ``accept`` says, sizes true,
                                      together at most ``UPLOAD_MAX_BYTES`` (8 MiB);
                                      ``error``: only cleared
Button                                the ``click`` event (a ToggleButtons' click after a
                                      change is ignored, as ipywidgets does)
anything else (HTML, Image, boxes,    nothing (only ``request_state``)
layouts, styles)
a disabled control                    nothing
====================================  =============================================================

A refused message changes nothing; the widget's true state is sent back (the browser's view
returns to it) and one line, without traceback, goes to the server log
(:func:`huainan.apps.logs.server_log`). An error while a change is applied is logged with its
traceback in the server log only; the browser gets the state back, never the traceback.

:func:`huainan.apps.base.guard` calls :func:`protect` on every screen it builds, so every app
(and a new one such as an upload page built with ``guard``) is covered. A widget created later,
outside the screen's tree, is protected by calling :func:`protect` on it. Written against
ipywidgets 8.1 (``Widget.set_state``/``send_state``, the ``comm`` package's ``on_msg``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import PurePosixPath
from typing import Any

import ipywidgets as W
from ipywidgets.widgets.widget_float import _BoundedFloat
from ipywidgets.widgets.widget_int import _BoundedInt
from ipywidgets.widgets.widget_selection import _Selection

from huainan.apps.logs import server_log
from huainan.intake.excel import MAX_FILE_BYTES

#: Largest upload accepted through a FileUpload control (all files of one change together):
#: the ingest's own limit on a file, 8 MiB.
UPLOAD_MAX_BYTES = MAX_FILE_BYTES
#: Most files in one upload (with ``multiple=True``; one file otherwise).
UPLOAD_MAX_FILES = 20
#: Longest file name accepted (characters).
UPLOAD_MAX_NAME = 255
#: Longest text a Text or Password box accepts from the browser (characters; a Textarea ten
#: times as much).
TEXT_MAX_CHARS = 1000
#: Refusals logged per kernel before the log is thinned to one line in 1,000.
LOG_FIRST = 50

#: A rule: (widget, state, buffers by path) → the state to apply; raises :class:`Refused`.
Rule = Callable[[W.Widget, dict, dict], dict]


class Refused(ValueError):
    """A message from the browser that the control does not offer (the text says why)."""


_refusals = 0


def _log_refusal(widget: W.Widget, reason: str) -> None:
    global _refusals
    _refusals += 1
    if _refusals <= LOG_FIRST or _refusals % 1000 == 0:
        server_log().warning(
            "refused a change of %s %r: %s (refusal %d in this kernel)",
            type(widget).__name__,
            getattr(widget, "description", "") or "",
            reason,
            _refusals,
        )


def _only(state: dict, allowed: set[str]) -> None:
    extra = sorted(set(state) - allowed)
    if extra:
        raise Refused(f"keys {extra[:5]} cannot be changed from the browser")
    if not state:
        raise Refused("empty change")


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _is_number(x: Any) -> bool:
    return (_is_int(x) or isinstance(x, float)) and math.isfinite(x)


# ---------------------------------------------------------------------------------------------
# rules per control
# ---------------------------------------------------------------------------------------------


def selection_rule(widget: W.Widget, state: dict, buffers: dict) -> dict:
    """Dropdown, ToggleButtons, Select, RadioButtons: ``index`` of one of the current options.

    Examples
    --------
    >>> d = W.Dropdown(options=[("甲", "a"), ("乙", "b")])
    >>> selection_rule(d, {"index": 1}, {})
    {'index': 1}
    >>> selection_rule(d, {"index": 2}, {})
    Traceback (most recent call last):
    ...
    huainan.apps.controls.Refused: index 2 is not one of the 2 options
    """
    _no_buffers(buffers)
    _only(state, {"index"})
    index = state["index"]
    if not _is_int(index):
        raise Refused(f"index {index!r:.40} is not an option number")
    if not 0 <= index < len(widget.options):
        raise Refused(f"index {index} is not one of the {len(widget.options)} options")
    return {"index": index}


def bounded_rule(widget: W.Widget, state: dict, buffers: dict) -> dict:
    """FloatSlider, IntSlider, Bounded*Text: ``value`` within ``min``–``max`` on the ``step``
    grid counted from ``min``; returned as the exact grid value (so ``0.30000000000000004``
    and ``0.3`` are one value, one chart).

    Examples
    --------
    >>> s = W.FloatSlider(value=0.0, min=-3.0, max=3.0, step=0.1)
    >>> bounded_rule(s, {"value": -1.1000000000000001}, {})
    {'value': -1.1}
    >>> bounded_rule(s, {"value": 0.13}, {})
    Traceback (most recent call last):
    ...
    huainan.apps.controls.Refused: value 0.13 is not on the 0.1 steps from -3.0
    >>> bounded_rule(s, {"value": 7}, {})
    Traceback (most recent call last):
    ...
    huainan.apps.controls.Refused: value 7 is outside -3.0 … 3.0
    """
    _no_buffers(buffers)
    _only(state, {"value"})
    value = state["value"]
    integer = isinstance(widget, _BoundedInt)
    if not (_is_int(value) if integer else _is_number(value)):
        raise Refused(f"value {value!r:.40} is not a {'whole ' if integer else ''}number")
    lo, hi, step = widget.min, widget.max, getattr(widget, "step", None)
    if not lo <= value <= hi:
        raise Refused(f"value {value} is outside {lo} … {hi}")
    if step:
        k = (value - lo) / step
        if abs(k - round(k)) > 1e-6:
            raise Refused(f"value {value} is not on the {step} steps from {lo}")
        if not integer:
            value = min(max(round(lo + round(k) * step, 10), lo), hi)
    return {"value": value}


def toggle_rule(widget: W.Widget, state: dict, buffers: dict) -> dict:
    """ToggleButton, Checkbox: ``value`` true or false."""
    _no_buffers(buffers)
    _only(state, {"value"})
    if not isinstance(state["value"], bool):
        raise Refused(f"value {state['value']!r:.40} is not true or false")
    return {"value": state["value"]}


def text_rule(widget: W.Widget, state: dict, buffers: dict) -> dict:
    """Text, Password, Textarea: ``value`` a string of at most :data:`TEXT_MAX_CHARS`
    characters (ten times as many in a Textarea).

    Examples
    --------
    >>> text_rule(W.Text(), {"value": "淮南市民政局"}, {})
    {'value': '淮南市民政局'}
    >>> text_rule(W.Text(), {"value": "x" * 1001}, {})
    Traceback (most recent call last):
    ...
    huainan.apps.controls.Refused: 1001 characters (at most 1000)
    """
    _no_buffers(buffers)
    _only(state, {"value"})
    value = state["value"]
    if not isinstance(value, str):
        raise Refused(f"value {value!r:.40} is not text")
    limit = TEXT_MAX_CHARS * (10 if isinstance(widget, W.Textarea) else 1)
    if len(value) > limit:
        raise Refused(f"{len(value)} characters (at most {limit})")
    return {"value": value}


def upload_rule(
    widget: W.Widget,
    state: dict,
    buffers: dict,
    *,
    max_bytes: int = UPLOAD_MAX_BYTES,
    max_files: int = UPLOAD_MAX_FILES,
) -> dict:
    """FileUpload: ``value`` as the front end sends it (a list of ``name``, ``type``, ``size``,
    ``last_modified`` and ``content``, the content as the binary buffer at path
    ``("value", i, "content")``), within the limits; ``error`` only cleared.

    Checked: the number of files (one unless ``widget.multiple``, at most ``max_files``), each
    name (a plain file name of at most :data:`UPLOAD_MAX_NAME` characters, ending in one of the
    extensions of ``widget.accept`` when it lists extensions), each ``size`` equal to the bytes
    received, and all contents together at most ``max_bytes``. An upload page uses it as is
    (``guard`` protects its FileUpload), or with other limits::

        protect(upload, rule=partial(upload_rule, max_bytes=2 * 2**20))

    Returns
    -------
    dict
        ``{"value": [...]}`` with each content a ``memoryview`` (what ipywidgets' FileUpload
        deserialises), plus ``error`` if it was cleared.
    """
    _only(state, {"value", "error"})
    out: dict[str, Any] = {}
    if "error" in state:
        if state["error"] != "":
            raise Refused("the browser reported an upload error")
        out["error"] = ""
    if "value" not in state:
        return out
    files = state["value"]
    if not isinstance(files, list):
        raise Refused("value is not a list of files")
    limit = max_files if widget.multiple else 1
    if len(files) > limit:
        raise Refused(f"{len(files)} files (at most {limit})")
    expected = {("value", i, "content") for i in range(len(files))}
    if set(buffers) != expected:
        raise Refused("file contents are not where the front end puts them")
    accept = [a.strip().lower() for a in (widget.accept or "").split(",") if a.strip()]
    extensions = tuple(a for a in accept if a.startswith("."))
    total = 0
    clean = []
    for i, entry in enumerate(files):
        content = buffers[("value", i, "content")]
        _check_upload_entry(i, entry, content, extensions)
        total += len(content)
        if total > max_bytes:
            raise Refused(f"{total} bytes uploaded (at most {max_bytes})")
        clean.append({**entry, "content": memoryview(content)})
    out["value"] = clean
    return out


def _check_upload_entry(i: int, entry: object, content: Any, extensions: tuple[str, ...]) -> None:
    """Refuse file ``i`` of an upload unless its entry is ``name``, ``type``, ``size`` and
    ``last_modified`` only, with a plain file name of an accepted extension, a short type, a
    numeric date and a size equal to the ``content`` received."""
    if not isinstance(entry, dict) or set(entry) != {"name", "type", "size", "last_modified"}:
        raise Refused(f"file {i}: not name, type, size and last_modified")
    name, kind, size, modified = (entry[k] for k in ("name", "type", "size", "last_modified"))
    if not isinstance(name, str) or not 0 < len(name) <= UPLOAD_MAX_NAME:
        raise Refused(f"file {i}: name missing or longer than {UPLOAD_MAX_NAME} characters")
    if PurePosixPath(name.replace("\\", "/")).name != name or name in (".", ".."):
        raise Refused(f"file {i}: name {name[:40]!r} is not a plain file name")
    if extensions and not name.lower().endswith(extensions):
        raise Refused(f"file {i}: {name[:40]!r} is not one of {', '.join(extensions)}")
    if not isinstance(kind, str) or len(kind) > 255:
        raise Refused(f"file {i}: type is not a short text")
    if not _is_number(modified):
        raise Refused(f"file {i}: last_modified is not a number")
    if not _is_int(size) or size != len(content):
        raise Refused(f"file {i}: size {size!r:.20} but {len(content)} bytes received")


def button_rule(widget: W.Widget, state: dict, buffers: dict) -> dict:
    """Button: no state change (its click is a ``custom`` message, see :func:`handle_message`)."""
    raise Refused("a button has no state to change")


def read_only(widget: W.Widget, state: dict, buffers: dict) -> dict:
    """Anything that is not a control (text, images, tables, boxes, layouts, styles)."""
    raise Refused("not a control: nothing can be changed from the browser")


def rule_for(widget: W.Widget) -> Rule:
    """The rule a widget gets by default (the table in this module's docstring)."""
    if isinstance(widget, _Selection):
        return selection_rule
    if isinstance(widget, _BoundedFloat | _BoundedInt):
        return bounded_rule
    if isinstance(widget, W.ToggleButton | W.Checkbox):
        return toggle_rule
    if isinstance(widget, W.FileUpload):
        return upload_rule
    if isinstance(widget, W.Text | W.Password | W.Textarea):
        return text_rule
    if isinstance(widget, W.Button):
        return button_rule
    return read_only


def _no_buffers(buffers: dict) -> None:
    if buffers:
        raise Refused("binary buffers sent to a control that takes none")


def _buffers_by_path(data: dict, buffers: list) -> dict[tuple, memoryview]:
    """``buffer_paths`` paired with the message's buffers (ipywidgets' ``_put_buffers`` input),
    checked: as many paths as buffers, each a short list of keys and indexes."""
    paths = data.get("buffer_paths", [])
    if not isinstance(paths, list) or len(paths) != len(buffers):
        raise Refused("buffer_paths do not match the buffers")
    out: dict[tuple, memoryview] = {}
    for path, buf in zip(paths, buffers, strict=True):
        if (
            not isinstance(path, list)
            or not 0 < len(path) <= 4
            or not all(isinstance(p, str) or _is_int(p) for p in path)
        ):
            raise Refused("a buffer path is not a short list of keys")
        out[tuple(path)] = memoryview(buf)
    return out


# ---------------------------------------------------------------------------------------------
# installing the checks
# ---------------------------------------------------------------------------------------------


def handle_message(widget: W.Widget, rule: Rule, msg: dict) -> None:
    """Handle one ``comm_msg`` from the browser for ``widget`` (in place of ipywidgets'
    ``Widget._handle_msg``): ``update`` checked by ``rule`` then applied with
    ``widget.set_state``; ``request_state`` answered; a Button's ``click`` passed on; anything
    else refused. Never raises; never sends a traceback to the browser."""
    touched: list[str] | None = None
    try:
        content = msg.get("content") if isinstance(msg, dict) else None
        data = content.get("data") if isinstance(content, dict) else None
        if not isinstance(data, dict):
            raise Refused("message without data")
        method = data.get("method")
        if method == "request_state":
            widget.send_state()
            return
        if getattr(widget, "disabled", False):
            raise Refused("the control is disabled")
        if method == "update":
            state = data.get("state")
            if not isinstance(state, dict):
                raise Refused("update without a state")
            touched = [k for k in state if isinstance(k, str) and k in widget.keys]
            clean = rule(widget, state, _buffers_by_path(data, msg.get("buffers") or []))
            widget.set_state(clean)
            return
        if method == "custom" and data.get("content") == {"event": "click"}:
            if isinstance(widget, W.Button) and rule is button_rule:
                widget.click()
                return
            if isinstance(widget, W.ToggleButtons):
                return  # its view sends a click after each change; ipywidgets ignores it too
        if method == "custom" and data.get("content") == {"event": "submit"}:
            if isinstance(widget, W.Text | W.Password):
                return  # the Enter key in a text box; nothing here listens to it
        raise Refused(f"method {str(method)[:20]!r} is not accepted")
    except Refused as exc:
        _log_refusal(widget, str(exc))
        _send_back(widget, touched)
    except Exception:
        server_log().exception(
            "applying a change of %s %r failed",
            type(widget).__name__,
            getattr(widget, "description", ""),
        )
        _send_back(widget, touched)


def _send_back(widget: W.Widget, keys: list[str] | None) -> None:
    """Send the widget's true state so the browser's view returns to it."""
    try:
        widget.send_state(keys or None)
    except Exception:  # a closed widget
        server_log().warning("could not send the state of %s back", type(widget).__name__)


def widgets_under(root: W.Widget) -> Iterator[W.Widget]:
    """``root`` and every widget reachable from its synced traits (children, layout, style …),
    each once."""
    seen: set[int] = set()
    todo = [root]
    while todo:
        w = todo.pop()
        if id(w) in seen or not isinstance(w, W.Widget):
            continue
        seen.add(id(w))
        yield w
        for key in w.keys:
            value = getattr(w, key, None)
            if isinstance(value, W.Widget):
                todo.append(value)
            elif isinstance(value, list | tuple):
                todo.extend(v for v in value if isinstance(v, W.Widget))


def protect(root: W.Widget, *, rule: Rule | None = None) -> W.Widget:
    """Check every message from the browser to ``root`` and the widgets under it.

    Parameters
    ----------
    root : ipywidgets.Widget
        A screen (or one widget).
    rule : callable, optional
        The rule for ``root`` itself instead of :func:`rule_for` (e.g. an
        :func:`upload_rule` with other limits); the widgets under it get their default rule,
        unless already protected.

    Returns
    -------
    ipywidgets.Widget
        ``root`` (for chaining).
    """
    for w in widgets_under(root):
        if w is not root and getattr(w, "_hn_rule", None) is not None:
            continue
        chosen = rule if (w is root and rule is not None) else rule_for(w)
        w._hn_rule = chosen  # marks a protected widget
        if w.comm is not None:
            w.comm.on_msg(partial(handle_message, w, chosen))
    return root
