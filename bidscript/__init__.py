import tomllib
from pathlib import Path

# pyproject.toml is the one place the version is written.
__version__: str = tomllib.loads(
    (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
)["project"]["version"]
