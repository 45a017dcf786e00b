"""Only one build step pyproject.toml cannot say: compile the translation catalogues (.po -> .mo) into the
wheel (ADR 0015), with the package's own standard-library compiler. Everything else is in pyproject.toml."""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        sys.path.insert(0, str(HERE))
        from securemail.l10n.catalogue import compile_file, languages, mo_path, source_path  # noqa: PLC0415

        assets = HERE / "securemail" / "assets"
        for lang in languages(assets):
            target = mo_path(Path(self.build_lib) / "securemail" / "assets", lang)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(compile_file(source_path(assets, lang), lang))


setup(cmdclass={"build_py": BuildWithCatalogues})
