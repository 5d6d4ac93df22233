"""Fetch GOV.UK Frontend's compiled assets from the npm registry into the web app's static folder.

Why a script and not hand-made CSS: the pages must look and behave like the GOV.UK Design System,
and the only maintained source of that is the ``govuk-frontend`` package. We vendor its compiled
CSS, JavaScript, fonts and images (MIT, see the LICENCE.txt written beside them) so the
application needs no Node tool-chain and no network at run time.

The tarball is checked against the ``integrity`` (sha512) the registry publishes for the pinned
version, so a changed or corrupted download is refused.

Two edits are made, both recorded in ``VERSION``:
- the CSS refers to fonts and images at the absolute ``/assets/...``; it is rewritten to the
  relative ``assets/...`` so the files work wherever STATIC_URL puts them;
- ``sourceMappingURL`` comments are removed because the source maps are not vendored.

Usage: ``python tools/fetch_govuk_frontend.py [--version 6.6.0]``
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import shutil
import tarfile
import urllib.request
from pathlib import Path

PINNED_VERSION = "6.6.0"
REGISTRY = "https://registry.npmjs.org/govuk-frontend"
TARGET = Path(__file__).resolve().parent.parent / "src" / "jigsaw" / "web" / "static" / "govuk"
DIST = "package/dist/govuk/"
FILES = ("govuk-frontend.min.css", "govuk-frontend.min.js")
ASSET_DIRS = ("assets/fonts/", "assets/images/")
ASSET_FILES = ("assets/manifest.json",)

# The package ships no licence file of its own (package.json says "MIT"); this is the text of
# LICENSE.txt in the alphagov/govuk-frontend repository, which the package README points to.
LICENCE = """GOV.UK Frontend {version} (https://github.com/alphagov/govuk-frontend)

The MIT License (MIT)

Copyright (c) 2016 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of
the Software, and to permit persons to whom the Software is furnished to do so,
subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS
FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

The package README ("Licence") adds: unless stated otherwise the codebase is
MIT-licensed; the documentation is Crown copyright under the Open Government
Licence v3.0. The Design System reserves the GDS Transport font and the crown
for services on GOV.UK.
"""


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - fixed https URL
        return response.read()


def fetch(version: str) -> tuple[bytes, str]:
    """The tarball and its registry-published integrity string, after checking they agree."""
    meta = json.loads(_get(f"{REGISTRY}/{version}"))
    integrity = meta["dist"]["integrity"]
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise SystemExit(f"unexpected integrity algorithm {algorithm!r}")
    tarball = _get(meta["dist"]["tarball"])
    actual = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if actual != expected:
        raise SystemExit(f"integrity mismatch for govuk-frontend {version}: {actual} != {expected}")
    return tarball, integrity


def _wanted(name: str) -> str | None:
    """The path under TARGET for a tarball member we keep, else None."""
    if not name.startswith(DIST):
        return None
    rel = name[len(DIST):]
    if rel in FILES or rel in ASSET_FILES or any(rel.startswith(d) for d in ASSET_DIRS):
        return rel
    return None


def _edit(rel: str, data: bytes) -> bytes:
    if rel.endswith(".css"):
        data = data.replace(b"url(/assets/", b"url(assets/")
    if rel.endswith((".css", ".js")):
        lines = data.split(b"\n")
        data = b"\n".join(
            line.split(b"/*# sourceMappingURL=")[0].split(b"//# sourceMappingURL=")[0] for line in lines
        )
    return data


def extract(tarball: bytes, target: Path) -> list[str]:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    written = []
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member in archive.getmembers():
            rel = _wanted(member.name)
            if rel is None or not member.isfile() or ".." in Path(rel).parts:
                continue
            source = archive.extractfile(member)
            if source is None:
                continue
            out = target / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(_edit(rel, source.read()))
            written.append(rel)
    return sorted(written)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=PINNED_VERSION)
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args()
    tarball, integrity = fetch(args.version)
    written = extract(tarball, args.target)
    (args.target / "LICENCE.txt").write_text(LICENCE.format(version=args.version), encoding="utf-8")
    (args.target / "VERSION").write_text(
        f"govuk-frontend {args.version}\n"
        f"source: {REGISTRY}/-/govuk-frontend-{args.version}.tgz\n"
        f"integrity: {integrity}\n"
        "edits: CSS url(/assets/...) -> url(assets/...); sourceMappingURL comments removed\n"
        "files:\n" + "".join(f"  {name}\n" for name in written),
        encoding="utf-8",
    )
    print(f"govuk-frontend {args.version}: {len(written)} files in {args.target}")


if __name__ == "__main__":
    main()
