"""Every test run, notebooks included (nbval starts kernels that inherit this
environment), works in a temporary data folder with its own store."""

import os
import tempfile

_run_data = tempfile.mkdtemp(prefix="totkit-test-")
os.environ["TOTKIT_DATA"] = _run_data
os.environ["TOTKIT_DB"] = f"sqlite:///{_run_data}/totkit.db"
os.environ.setdefault("TOTKIT_LANG", "en")
