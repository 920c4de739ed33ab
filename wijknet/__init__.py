"""wijknet: shared plumbing of the node and the hub, and the `wijknet` command line."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wijknet")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0"
