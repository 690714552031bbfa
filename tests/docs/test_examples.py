"""Every shell example in README.md and docs/ runs, as written, against a real `socdesk demo`.

The test does what a new user does after README command 1: it starts `socdesk demo` in an empty
directory (with `.venv/bin/socdesk` there, as in a clone), pastes the `export` line the demo
prints, and runs each example block with bash from that directory. A block passes when bash
exits 0; `curl` is run with `--fail-with-body`, so any HTTP answer other than 2xx (or 3xx) fails
it, and an answer that finds nothing (`"total": 0`, an empty `incidents` list) fails it too: an
example that finds nothing teaches nothing.

Which blocks run: every fenced block tagged `sh`, `bash` or `shell`. A block that must not run
(it installs software, serves forever, needs production credentials, or takes minutes) is
preceded by a line `<!-- docs-test: skip (why) -->`. A block that shows a refusal on purpose
(a 401, a 409, a 429 ...) is preceded by `<!-- docs-test: refused (why) -->`: it runs with plain
curl, must still exit 0, and no answer may be a server error. The examples write the server as
`http://127.0.0.1:8000`, the demo's default; the test serves on a free port and rewrites that
address in each block. Blocks run in file order against one demo per store, so a block may rely
on what an earlier block of the same file did.
"""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUNNABLE = {"sh", "bash", "shell"}
MARKER = re.compile(r"<!--\s*docs-test:\s*(?P<kind>skip|refused)\b.*-->")
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>```+|~~~+)\s*(?P<info>[^`]*)$")
DEMO_ADDRESS = "127.0.0.1:8000"
NOTHING_FOUND = re.compile(r'"total"\s*:\s*0\b|"incidents"\s*:\s*\[\s*\]')
SERVER_ERROR = re.compile(r"SecMaster\.200005\d\d|internal_error|HTTP/[\d.]+ 5\d\d")

# curl as the examples call it, but failing on any 4xx or 5xx answer (and printing its body).
# `--fail-with-body` cannot be combined with `-f`, so an `f` among short options is dropped.
CURL_WRAPPER = r"""
curl() {
  local args=() arg
  for arg in "$@"; do
    if [[ "$arg" == --fail || "$arg" == --fail-with-body ]]; then
      continue
    elif [[ "$arg" =~ ^-[a-zA-Z]+$ && "$arg" == *f* ]]; then
      arg="${arg//f/}"
      [[ "$arg" == - ]] && continue
    fi
    args+=("$arg")
  done
  command curl --fail-with-body "${args[@]}"
}
set -eo pipefail
"""


@dataclass(frozen=True)
class Example:
    document: Path
    line: int  # of the opening fence, 1-based
    code: str
    refused: bool = False  # shows a refusal on purpose

    @property
    def name(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"


def _examples(document: Path) -> list[Example]:
    """The runnable fenced blocks of a markdown file, unless marked to be skipped."""
    found: list[Example] = []
    lines = document.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, language = opening["fence"], (opening["info"].split() or [""])[0].lower()
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        before = next((text for text in reversed(lines[:index]) if text.strip()), "")
        marker = MARKER.search(before)
        if language in RUNNABLE and not (marker and marker["kind"] == "skip"):
            code = "\n".join(lines[index + 1 : end]) + "\n"
            found.append(Example(document, index + 1, code, refused=marker is not None))
        index = end + 1
    return found


EXAMPLES = [example for document in DOCUMENTS for example in _examples(document)]


def test_the_docs_have_runnable_examples() -> None:
    """The collector finds the examples (a broken fence pattern would pass everything)."""
    names = {example.document.name for example in EXAMPLES}
    assert {"README.md", "authentication.md", "dialects.md", "import-export.md"} <= names


def test_markers_choose_which_blocks_run_and_how(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```sh\necho runs\n```\n\n"
        "<!-- docs-test: skip (installs things) -->\n```sh\necho skipped\n```\n"
        "<!-- docs-test: refused (shows a 404) -->\n\n```bash\necho refused\n```\n"
        "```python\nprint('not shell')\n```\n"
        "````sh\n```\nin a longer fence\n````\n"
    )

    found = [(e.line, e.code, e.refused) for e in _examples(page)]

    assert found == [
        (1, "echo runs\n", False),
        (11, "echo refused\n", True),
        (17, "```\nin a longer fence\n", False),
    ]


@dataclass(frozen=True)
class Demo:
    directory: Path
    port: int
    environment: dict[str, str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _clone_layout(directory: Path) -> None:
    """`.venv/bin/socdesk` in `directory`, as README command 1 leaves it in a clone, and the
    clone's example files (`examples/workflows/...`)."""
    (directory / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    binary = directory / ".venv" / "bin"
    binary.mkdir(parents=True)
    launcher = binary / "socdesk"
    launcher.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m socdesk "$@"\n')
    launcher.chmod(0o755)


def _pasted_exports(line: str) -> dict[str, str]:
    """The variables of the demo's `export A=1 B=2` line, as a shell would set them."""
    assert line.startswith("export "), line
    return dict(word.split("=", 1) for word in shlex.split(line)[1:])


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Demo]:
    """`socdesk demo` in an empty directory, on a free port; the SQLite store is the default
    ./socdesk.db there, PostgreSQL a fresh database named by SOCDESK_DATABASE_URL."""
    directory = tmp_path_factory.mktemp(f"clone-{request.param}")
    _clone_layout(directory)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOCDESK_")}
    environment["NO_PROXY"] = environment["no_proxy"] = "127.0.0.1,localhost"
    if request.param == "postgresql":
        databases = request.getfixturevalue("postgres_databases")
        with databases.fresh() as url:
            environment["SOCDESK_DATABASE_URL"] = url
            yield from _serve_demo(directory, environment)
    else:
        yield from _serve_demo(directory, environment)


def _serve_demo(directory: Path, environment: dict[str, str]) -> Iterator[Demo]:
    port = _free_port()
    process = subprocess.Popen(
        [str(directory / ".venv" / "bin" / "socdesk"), "demo", "--port", str(port)],
        cwd=directory,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        printed = ""
        while not printed.lstrip().startswith("export "):
            printed = process.stdout.readline()
            assert printed, "the demo ended without printing its export line"
        exports = _pasted_exports(printed.strip())
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the demo server did not start"
            time.sleep(0.2)
        yield Demo(directory, port, {**environment, **exports})
    finally:
        process.terminate()
        process.wait(timeout=30)


# Each page's examples, in page order: a later example may use what an earlier one made (an
# imported workflow, a created object), as a reader running the page top to bottom would.
PAGES: dict[str, list[Example]] = {}
for _example in EXAMPLES:
    PAGES.setdefault(_example.name.partition(":")[0], []).append(_example)


@pytest.mark.parametrize("page", list(PAGES))
def test_examples_run_against_the_demo(demo: Demo, page: str) -> None:
    for example in PAGES[page]:
        _run(demo, example)


def _run(demo: Demo, example: Example) -> None:
    script = example.code.replace(DEMO_ADDRESS, f"127.0.0.1:{demo.port}")
    prelude = "set -eo pipefail\n" if example.refused else CURL_WRAPPER
    done = subprocess.run(
        ["bash", "-c", prelude + script],
        cwd=demo.directory,
        env=demo.environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    report = f"{example.name} exited {done.returncode}\n{script}\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, report
    assert not SERVER_ERROR.search(done.stdout), "a server error:\n" + report
    if not example.refused:
        assert not NOTHING_FOUND.search(done.stdout), "the example found nothing:\n" + report
