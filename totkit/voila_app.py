"""The Voilà application ``totkit serve`` runs: the apps, and none of a Jupyter server's API.

Voilà 0.5 serving a folder answers, besides the apps (``/voila/render/...``), a tree page
listing every notebook (``/`` and ``/voila/tree``) and the contents API behind it
(``/voila/api/contents``). Planners only ever need the apps, so ``TotkitVoila`` drops those
and sends ``/`` on to the start app. What stays is what a page needs: its own kernel's model
and websocket (``/api/kernels/<id>``, where Voilà lets only widget and kernel-info messages
through, never ``execute_request``), the static files, the themes and the shutdown beacon.
There is no kernel list, no contents API, no ``/lab`` nor ``/tree``.

Two fixes to Voilà 0.5's behaviour for a workshop:

- **A closed tab ends its kernel.** On ``beforeunload`` the page posts to
  ``/voila/api/shutdown/<kernel id>`` with an ``_xsrf`` form field copied from the ``_xsrf``
  cookie; Voilà's page never sets that cookie, so every such request was refused with 403
  "_xsrf argument missing" and every closed tab left its kernel running until culled.
  ``PageHandler`` sets the cookie with the page (see its comment for why this weakens
  nothing), and ``ShutdownHandler`` answers a repeated or late beacon quietly.
- **The cell timeout does not kill preheated kernels.** A preheated kernel runs its app
  cell long before a page asks for it and waits in that cell for the page's request
  (``totkit.ui.request``); with ``VoilaExecutor.timeout`` applied from the start, every
  pooled kernel would time out while waiting. Preheated kernels run without the executor's
  timeout, and the same limit is applied from the moment a page takes the kernel.

Under JupyterHub (``TotkitVoila.hub``, set by ``totkit serve --hub``, see ``totkit.hub``),
the identity of every request is the hub's OAuth login, checked here by JupyterHub's own
identity provider: pages redirect to the hub's login, and a kernel websocket opened without
the login of this server's user (another user's cookies, or none) is refused with 403.

This module imports Voilà: only the server process imports it (``totkit.serve``).
"""

from __future__ import annotations

import asyncio
import copy
import html
from typing import Any, ClassVar

import tornado.web
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import APIHandler, JupyterHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from traitlets import Bool, List, Unicode
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from totkit.i18n import LANGUAGES, t

KERNEL_ID = r"(?P<kernel_id>\w+-\w+-\w+-\w+-\w+)"


class PageHandler(TornadoVoilaHandler):
    """An app's page, which also sets the ``_xsrf`` cookie its shutdown beacon needs."""

    @tornado.web.authenticated
    async def get(self, path=None):
        # Reading xsrf_token makes tornado set the `_xsrf` cookie on this response (before
        # the first flush). This weakens no XSRF check: every POST is still refused unless
        # its `_xsrf` field or X-XSRFToken header equals this cookie (tornado's
        # double-submit check, run by jupyter_server for every non-GET request, together
        # with its Origin check). Another site cannot read or set this origin's cookie, so
        # it cannot forge a matching field; only scripts of the page itself can, and they
        # could already act on their own kernel. Jupyter server sets the same cookie on
        # every page it renders; Voilà 0.5's page simply never did (voila#1458).
        self.xsrf_token  # noqa: B018 (a property read for its side effect)
        await super().get(path=path)


class EntryHandler(JupyterHandler):
    """``/``: a page that sends the browser on to the start app (with the query string).

    Not an HTTP redirect: a script or a link checker following a redirect would open the
    start app, and every page that opens starts (or takes) a kernel that no page closes.
    """

    def initialize(self, url: str) -> None:
        self.url = url

    @tornado.web.authenticated
    def get(self) -> None:
        query = self.request.query
        target = html.escape(self.url + (f"?{query}" if query else ""), quote=True)
        self.set_header("Cache-Control", "no-store")
        self.finish(
            f'<!DOCTYPE html><html><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={target}"><title>totkit</title>'
            f'</head><body><a href="{target}">totkit</a></body></html>'
        )


class ShutdownHandler(APIHandler):
    """The page's shutdown beacon: ends its kernel; a repeated or late beacon is a no-op.

    The same POST Voilà's own handler takes, with the same XSRF check (``APIHandler``),
    restricted to kernel ids. A page sends it on ``beforeunload`` (Voilà's script), or on
    ``pagehide`` when that did not fire (the totkit template: phones' browsers often skip
    ``beforeunload``).
    """

    closing: ClassVar[set[str]] = set()  # kernel ids being shut down, in this process

    @tornado.web.authenticated
    async def post(self, kernel_id: str) -> None:
        manager = self.kernel_manager
        if kernel_id in manager and kernel_id not in self.closing:
            self.closing.add(kernel_id)
            try:
                await ensure_async(manager.shutdown_kernel(kernel_id))
            finally:
                self.closing.discard(kernel_id)
        # Gone already (the other beacon, the culler): nothing to do, nothing to log.
        self.set_status(204)
        self.finish()


class KernelSocketHandler(VoilaKernelWebsocketHandler):
    """A page's kernel websocket (Voilà's, which passes only widget and kernel-info
    messages), refused in plain text: jupyter_server's HTML error page needs a static
    path that Voilà does not set, so a refused connection (no login, another user's)
    logged a traceback of the error page instead of one line."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code}: {self._reason}")


# Kernels log `totkit.*` records (an app's unexpected error with its traceback, see
# totkit.ui.widgets.guarded) to their real stderr, which is the server's: the facilitator's
# terminal. Without a handler they went to the kernel's sys.stderr, which ipykernel sends to
# the page as output that Voilà shows nowhere, so they were lost. Python logging is already
# imported by every kernel; this costs nothing.
KERNEL_LOG_SETUP = (
    "import logging as _l, sys as _s; _h = _l.StreamHandler(_s.__stderr__); "
    "_h.setFormatter(_l.Formatter("
    "'[totkit kernel %(process)d] %(asctime)s %(levelname)s %(name)s: %(message)s')); "
    "_l.getLogger('totkit').addHandler(_h); del _l, _s, _h"
)


class TotkitKernelManager(AsyncMappingKernelManager):
    """Starts every kernel with ``KERNEL_LOG_SETUP`` (Voilà builds its pooling kernel
    manager on top of this class when kernels are preheated)."""

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs):
        kwargs["extra_arguments"] = [
            *kwargs.get("extra_arguments", []),
            f"--IPKernelApp.exec_lines={KERNEL_LOG_SETUP}",
        ]
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)


class TotkitVoila(Voila):
    """Voilà serving the totkit apps only (see the module's docstring)."""

    start_app = Unicode(
        "00_start.ipynb", config=True, help="The app that / leads to, relative to the folder."
    )

    preheat_pools = List(
        Unicode(),
        config=True,
        help="NOTEBOOK=N: keep N preheated kernels for that notebook (with "
        "--preheat_kernel=True); every other notebook gets none.",
    )

    hub = Bool(False, config=True, help="Serve one JupyterHub user's apps behind the hub's login.")

    def init_settings(self) -> dict:
        if self.hub:
            self.identity_provider_class = hub_identity_provider()
        self.voila_configuration.multi_kernel_manager_class = TotkitKernelManager
        # Shown under a failed or timed-out cell (no traceback): one page, both languages.
        both = " / ".join(t("serve.page_error", lang) for lang in LANGUAGES)
        self.config.VoilaExecutor.cell_error_instruction = both
        self.config.VoilaExecutor.cell_timeout_instruction = both
        if self.preheat_pools:  # before Voilà builds the kernel manager from the config
            self.config.VoilaKernelManager.kernel_pools_config = kernel_pools(self.preheat_pools)
        settings = super().init_settings()
        if self.voila_configuration.preheat_kernel:
            limit_preheated_cells(self.kernel_manager, self.config, self.log)
        return settings

    def init_handlers(self) -> list:
        start = url_path_join(self.base_url, "voila/render", self.start_app)
        handlers: list[Any] = [(self.server_url, EntryHandler, {"url": start})]
        for handler in super().init_handlers():
            pattern, cls, *rest = handler
            if cls in (TornadoVoilaTreeHandler, VoilaContentsHandler):
                continue  # the listing of the notebooks and its contents API
            if not pattern.startswith(self.server_url):
                # The identity provider's own pages (the hub's OAuth callback, logout):
                # Voilà 0.5 adds them at the root, whatever its base_url.
                handlers.append((url_path_join(self.base_url, pattern), cls, *rest))
            elif cls is VoilaShutdownKernelHandler:
                pattern = url_path_join(self.server_url, rf"/voila/api/shutdown/{KERNEL_ID}")
                handlers.append((pattern, ShutdownHandler))
            elif cls is TornadoVoilaHandler:
                handlers.append((pattern, PageHandler, *rest))
            elif cls is VoilaKernelWebsocketHandler:
                handlers.append((pattern, KernelSocketHandler, *rest))
            else:
                handlers.append(handler)
        return handlers


def hub_identity_provider() -> type:
    """JupyterHub's identity provider for a single-user server, as Voilà can build it.

    Voilà passes ``token`` to the identity provider it builds; JupyterHub's reads its
    token from the hub's environment instead (a read-only property), so that argument is
    dropped here.
    """
    from jupyterhub.singleuser.extension import JupyterHubIdentityProvider

    class HubIdentityProvider(JupyterHubIdentityProvider):
        def __init__(self, token: str | None = None, **kwargs: Any) -> None:
            super().__init__(**kwargs)

    return HubIdentityProvider


def kernel_pools(items: list[str]) -> dict[str, dict[str, int]]:
    """``VoilaKernelManager.kernel_pools_config`` from ``NOTEBOOK=N`` items."""
    pools = {"default": {"pool_size": 0}}
    for item in items:
        notebook, _, size = item.rpartition("=")
        pools[notebook] = {"pool_size": int(size)}
    return pools


def limit_preheated_cells(manager, config, log) -> None:
    """Preheated kernels: no cell timeout while waiting for a page, the timeout after.

    Wraps two methods of this one kernel manager instance (Voilà builds its class inside
    ``Voila.init_settings``): the renderers of pooled kernels get the configuration
    without ``VoilaExecutor.timeout``; when a page takes a pooled kernel, a watchdog
    interrupts the kernel if its app cell has not finished ``timeout`` seconds later, which
    is what ``VoilaExecutor.interrupt_on_timeout`` does for a kernel started by the page.
    The interrupted cell fails, Voilà logs its traceback and the page shows no traceback.
    The totkit apps have one code cell; the cells after it run without a timeout.
    """
    timeout = config.VoilaExecutor.get("timeout") if "VoilaExecutor" in config else None
    if not timeout or timeout < 0:
        return
    untimed = copy.deepcopy(config)
    untimed.VoilaExecutor.timeout = None
    make_renderer = manager._notebook_renderer_factory
    take = manager.get_rendered_notebook

    def renderer_factory(notebook_path=None):
        renderer = make_renderer(notebook_path)
        renderer.traitlet_config = untimed
        return renderer

    async def watch(render_task: asyncio.Task, kernel_id: str, notebook: str) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(render_task), timeout)
        except asyncio.TimeoutError:
            log.error(
                "%s: the app cell of preheated kernel %s did not finish within %s s "
                "of the page's request; interrupting it",
                notebook,
                kernel_id,
                timeout,
            )
            if kernel_id in manager:
                await ensure_async(manager.interrupt_kernel(kernel_id))
        except Exception:  # the render failed: Voilà logs it
            pass

    async def get_rendered_notebook(notebook_name: str, *args, **kwargs):
        render_task, rendered, kernel_id = await take(notebook_name, *args, **kwargs)
        watchers.add(asyncio.ensure_future(watch(render_task, kernel_id, notebook_name)))
        for done in [w for w in watchers if w.done()]:
            watchers.discard(done)
        return render_task, rendered, kernel_id

    watchers: set[asyncio.Future] = set()
    manager._notebook_renderer_factory = renderer_factory
    manager.get_rendered_notebook = get_rendered_notebook
