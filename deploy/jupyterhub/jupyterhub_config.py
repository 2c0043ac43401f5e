"""JupyterHub serving the totkit apps to many users on one server (see README.md here).

Each user's apps run in a Voilà of their own (``totkit serve --hub``), which checks the
hub's login on every page and kernel websocket; Voilà passes no code from a page to its
kernel. Users log in with jupyterhub-tmpauthenticator: a visit to ``/hub/tmplogin`` makes a
throwaway user, so planners type nothing more than the apps ask (workshop and resume codes).
Every user server uses one store: ``TOTKIT_DB`` (PostgreSQL for a hub) and the
``secret.key`` in ``TOTKIT_DATA``, both taken from the hub's own environment.

Settings, from the environment (defaults in brackets):

- ``TOTKIT_HUB_URL``: where planners reach the hub [``http://127.0.0.1:8000/``]
- ``TOTKIT_HUB_STATE``: the hub's own files: its user table, cookie secret, users' folders
  [the current folder]
- ``TOTKIT_DB``, ``TOTKIT_DATA``: the store and the folder of its ``secret.key``
  [SQLite in ``TOTKIT_DATA``; ``data`` in ``TOTKIT_HUB_STATE``]
- ``TOTKIT_HUB_API_PORT`` [8081], ``TOTKIT_HUB_PROXY_API_PORT`` [8001]: loopback ports of
  the hub's API and of the proxy's API
- ``TOTKIT_HUB_PREHEAT``: preheated kernels in each user server for its first apps [0]:
  measured by benchmarks/bench_hub.py, a pool saved about 0.5 s of a user's first 9 s (the
  kernel starts while the server does, on the same cores) and cost about 86 MiB a user
- ``TOTKIT_HUB_CULL``: seconds after which an idle user server is stopped and its
  throwaway user removed, 0 for never [3600]

Run: ``TOTKIT_DB=postgresql+psycopg://... TOTKIT_DATA=/srv/totkit jupyterhub -f
deploy/jupyterhub/jupyterhub_config.py`` (``make hub`` installs what it needs).
"""

import os
import shutil
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
STATE = Path(os.environ.get("TOTKIT_HUB_STATE", ".")).resolve()
BIN = Path(sys.executable).parent  # the environment JupyterHub runs in holds totkit too
PREHEAT = int(os.environ.get("TOTKIT_HUB_PREHEAT", "0"))
CULL = int(os.environ.get("TOTKIT_HUB_CULL", "3600"))

# -- where it listens --------------------------------------------------------------------
c.JupyterHub.bind_url = os.environ.get("TOTKIT_HUB_URL", "http://127.0.0.1:8000/")
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ.get('TOTKIT_HUB_API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = (
    f"http://127.0.0.1:{os.environ.get('TOTKIT_HUB_PROXY_API_PORT', '8001')}"
)
_proxy = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
c.ConfigurableHTTPProxy.command = [
    str(_proxy) if _proxy.exists() else shutil.which("configurable-http-proxy") or str(_proxy)
]
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True

# -- who: a throwaway user per browser; the apps ask for the codes -------------------------
c.JupyterHub.authenticator_class = "tmp"
c.Authenticator.allow_all = True  # JupyterHub 5+ lets nobody in unless told

# -- each user's server: totkit serve --hub ------------------------------------------------
# SimpleLocalProcessSpawner runs every user server as the hub's own system user. JupyterHub
# warns that it isolates nothing between users; here a user server runs only totkit's apps,
# whose pages cannot send code to a kernel, and every server shares the one store anyway.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(STATE / "users" / "{username}")
c.Spawner.cmd = [str(BIN / "totkit"), "serve", "--hub"]
c.Spawner.args = [f"--preheat={PREHEAT}"] if PREHEAT else []
# One store and one secret.key for every user server: without TOTKIT_DATA each would make
# its own secret.key in its own folder, and no code would open anything across servers.
os.environ.setdefault("TOTKIT_DATA", str(STATE / "data"))
c.Spawner.env_keep.extend(
    ["TOTKIT_DB", "TOTKIT_DATA", "TOTKIT_TEMPLATES", "TOTKIT_LANG", "JUPYTER_PATH"]
)
c.Spawner.default_url = "/"  # the start app
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120

# -- culling: idle servers stopped, throwaway users removed --------------------------------
if CULL:
    c.JupyterHub.services = [
        {
            "name": "idle-culler",
            "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                        f"--timeout={CULL}", f"--cull-every={max(60, CULL // 6)}",
                        "--cull-users=true"],
        }
    ]
    c.JupyterHub.load_roles = [
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers",
                       "delete:servers", "admin:users"],
            "services": ["idle-culler"],
        }
    ]
