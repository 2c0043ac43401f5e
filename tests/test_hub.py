"""``totkit serve --hub``: what it reads from JupyterHub's spawner and how it configures
Voilà, without starting either (tests/browser/test_hub.py runs a real hub)."""

from __future__ import annotations

import pytest

from totkit.cli import main
from totkit.errors import InputError
from totkit.hub import REQUIRED, hub_place, hub_voila_args
from totkit.serve import ServeOptions, voila_argv

SPAWNED = {
    "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:47001/user/ani/",
    "JUPYTERHUB_SERVICE_PREFIX": "/user/ani/",
    "JUPYTERHUB_API_TOKEN": "token",
    "JUPYTERHUB_CLIENT_ID": "jupyterhub-user-ani",
    "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api",
    "JUPYTERHUB_USER": "ani",
}


def test_the_spawners_variables_give_place_and_path():
    place = hub_place(SPAWNED)
    assert (place.ip, place.port, place.prefix, place.user) == (
        "127.0.0.1",
        47001,
        "/user/ani/",
        "ani",
    )


def test_a_kubernetes_pod_listens_on_every_interface():
    place = hub_place({**SPAWNED, "JUPYTERHUB_SERVICE_URL": "http://0.0.0.0:8888/user/ani/"})
    assert (place.ip, place.port) == ("0.0.0.0", 8888)


@pytest.mark.parametrize("missing", REQUIRED)
def test_a_missing_variable_is_named_in_both_languages(missing):
    env = {name: value for name, value in SPAWNED.items() if name != missing}
    with pytest.raises(InputError) as refused:
        hub_place(env)
    assert missing in refused.value.message("id") and missing in refused.value.message("en")
    assert "totkit serve" in refused.value.message("en")  # the way out: serve without --hub


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1:47001/",
        "http://127.0.0.1/user/ani/",
        "http://127.0.0.1:notaport/",
        "127.0.0.1:47001",
    ],
)
def test_a_service_url_that_cannot_be_listened_on_is_refused(url):
    with pytest.raises(InputError) as refused:
        hub_place({**SPAWNED, "JUPYTERHUB_SERVICE_URL": url})
    assert refused.value.params["variable"] == "JUPYTERHUB_SERVICE_URL"


def test_voila_is_put_under_the_hubs_path_behind_its_login():
    argv = voila_argv(ServeOptions(port=8866, hub=True), hub_place(SPAWNED))
    assert "--Voila.base_url=/user/ani/" in argv
    assert "--port=47001" in argv and "--Voila.ip=127.0.0.1" in argv
    assert "--TotkitVoila.hub=True" in argv
    assert "--port=8866" not in argv  # the hub's port, not the laptop default
    assert argv == voila_argv(ServeOptions(hub=True), hub_place(SPAWNED))


def test_the_laptop_server_keeps_no_hub_login():
    argv = voila_argv(ServeOptions(port=8870))
    assert not any("hub" in arg.lower() or "base_url" in arg for arg in argv)


def test_hub_voila_args_never_retry_another_port():
    assert "--Voila.port_retries=0" in hub_voila_args(hub_place(SPAWNED))


def test_serve_hub_outside_a_hub_says_what_is_wrong(monkeypatch, capsys):
    for name in SPAWNED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOTKIT_LANG", "en")
    assert main(["serve", "--hub"]) == 2
    error = capsys.readouterr().err
    assert "JUPYTERHUB_SERVICE_URL is missing" in error and "Traceback" not in error
