"""``totkit serve --hub``: one JupyterHub user's apps, in a Voilà of their own.

JupyterHub starts this command for each user (see ``deploy/jupyterhub/``) and tells it, in
``JUPYTERHUB_*`` environment variables, where to listen (``JUPYTERHUB_SERVICE_URL``), under
which path (``JUPYTERHUB_SERVICE_PREFIX``, e.g. ``/user/<name>/``) and how to check the
hub's login (the OAuth client id, token and callback). The Voilà then checks that login
itself on every request, pages and kernel websockets alike (``totkit.voila_app``), so no
proxy in front of it has to be trusted to do it.

This module reads the environment only; ``jupyterhub`` (the ``hub`` extra) is imported by
the server, when it starts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from totkit.errors import InputError

# What every user server needs from the hub; a spawner that sets them all is assumed to
# set the rest of JupyterHub's OAuth client variables too.
REQUIRED = (
    "JUPYTERHUB_SERVICE_URL",
    "JUPYTERHUB_SERVICE_PREFIX",
    "JUPYTERHUB_API_TOKEN",
    "JUPYTERHUB_CLIENT_ID",
    "JUPYTERHUB_API_URL",
)


@dataclass(frozen=True)
class HubPlace:
    """Where the hub asked this user's server to listen, and under which path."""

    ip: str
    port: int
    prefix: str  # starts and ends with "/"
    user: str


def hub_place(environ: Mapping[str, str] | None = None) -> HubPlace:
    """Read the spawner's variables; an ``InputError`` naming the first one missing."""
    env = os.environ if environ is None else environ
    for name in REQUIRED:
        if not env.get(name):
            raise InputError("error.hub_environment", field="hub", variable=name)
    url = urlsplit(env["JUPYTERHUB_SERVICE_URL"])
    try:
        port = url.port
    except ValueError:
        port = None
    if url.scheme != "http" or not url.hostname or not port:
        raise InputError("error.hub_environment", field="hub", variable="JUPYTERHUB_SERVICE_URL")
    prefix = "/" + env["JUPYTERHUB_SERVICE_PREFIX"].strip("/") + "/"
    ip = "0.0.0.0" if url.hostname == "*" else url.hostname
    return HubPlace(ip=ip, port=port, prefix=prefix, user=env.get("JUPYTERHUB_USER", ""))


def hub_voila_args(place: HubPlace) -> list[str]:
    """The Voilà options that put the apps under the hub's path, behind its login."""
    return [
        f"--Voila.base_url={place.prefix}",
        f"--Voila.ip={place.ip}",
        f"--port={place.port}",
        "--Voila.port_retries=0",  # the hub's proxy routes to this port only
        "--TotkitVoila.hub=True",
    ]
