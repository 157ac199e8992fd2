"""Build the sample archives from their source folders, the same bytes on every run.

``loaders/examples/linkedin-export/`` holds the files of a LinkedIn data export as they sit in its
zip (at the root), ``loaders/examples/takeout/`` those of a Google Takeout (under ``Takeout/``).
The zips are committed so that ``kith import loaders/examples/linkedin-export.zip`` works in one
command; after changing a source file, run ``python -m loaders.examples.make_zips``. Tests build
their own copies from the folders with ``build``.

Deterministic: members in sorted order, one fixed time stamp, fixed permissions, no extra fields.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SAMPLES = {"linkedin-export": "linkedin-export.zip", "takeout": "takeout.zip"}
STAMP = (2026, 12, 1, 8, 0, 0)  # when the sample exports were "downloaded"


def build(source: Path, target: Path) -> Path:
    """Zip every file under ``source`` (names relative to it, ``/``-separated) into ``target``."""
    files = sorted(p for p in source.rglob("*") if p.is_file())
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            info.create_system = 3  # Unix, so the permissions above are read as such
            zf.writestr(info, path.read_bytes())
    return target


def main() -> int:
    for folder, name in SAMPLES.items():
        print(build(HERE / folder, HERE / name).relative_to(Path.cwd()) if Path.cwd() in HERE.parents
              else HERE / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
