"""`kerasish.export`: artifacts that run with jax alone.

`export_model` / `Model.export` and `ExportArchive` write an artifact; `load` reads it back
(`kerasish/export/loader.py` imports nothing else from kerasish, so it also runs on its own).
"""

from kerasish.export.archive import DEFAULT_PLATFORMS, ExportArchive, export_model
from kerasish.export.loader import Artifact, ArtifactError, Signature, load

__all__ = [
    "DEFAULT_PLATFORMS",
    "Artifact",
    "ArtifactError",
    "ExportArchive",
    "Signature",
    "export_model",
    "load",
]
