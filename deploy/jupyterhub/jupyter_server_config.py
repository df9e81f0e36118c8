# Jupyter Server configuration of a Glassbox student pod (deploy/jupyterhub).
#
# jupyterhub-singleuser authenticates the student through the hub; behind it,
# jupyter-server-proxy starts the Glassbox agent on first use and proxies
# /user/NAME/glassbox/ to it, stripping that prefix. The agent stays on
# loopback in the pod and still checks Host, Origin and its token:
#   - the token is the one the entrypoint wrote before this server started
#     (GLASSBOX_TOKEN_FILE), so the launcher and the landing page can carry it;
#   - the public URL is GLASSBOX_PUBLIC_ORIGIN (the hub's address, e.g.
#     https://hub.example.edu, set in values.yaml) + this server's base URL,
#     since the proxy passes the browser's Host and Origin on unchanged.
import os

c = get_config()  # noqa: F821 (defined by Jupyter when it loads this file)

token_file = os.environ.get("GLASSBOX_TOKEN_FILE", "/run/glassbox/token")
with open(token_file, encoding="ascii") as f:
    token = f.read().strip()

origin = os.environ.get("GLASSBOX_PUBLIC_ORIGIN", "").rstrip("/")
if not origin.startswith(("https://", "http://")) or "/" in origin.split("://", 1)[1]:
    raise SystemExit(
        "glassbox: set singleuser.extraEnv.GLASSBOX_PUBLIC_ORIGIN to the hub's address, "
        f"e.g. https://hub.example.edu (got {origin!r})"
    )

c.ServerProxy.servers = {
    "glassbox": {
        "command": [
            "glassbox", "agent",
            "--port", "{port}",
            "--token-file", token_file,
            "--public-url", origin + "{base_url}glassbox/",
        ],
        # Starting dockerd's client, tsx and the tracer check takes a few seconds.
        "timeout": 60,
        "absolute_url": False,
        "launcher_entry": {"title": "Glassbox", "path_info": "glassbox/?token=" + token},
        "new_browser_tab": True,
    }
}

# A student lands on Glassbox itself, not on a notebook.
c.ServerApp.default_url = "/glassbox/?token=" + token
# The pod runs as root: dockerd needs it, and the agent drives dockerd.
c.ServerApp.allow_root = True
