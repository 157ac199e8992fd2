"""The README cannot drift: its console examples are replayed against the real CLI.

See tests/readme.py for how blocks are read, which home each runs in and what is normalised.
"""

from __future__ import annotations

import difflib
import os
import subprocess

import pytest

from tests import readme


def test_every_console_block_says_where_it_runs():
    found = readme.examples()
    assert len(found) >= 20 and {"demo", "fresh"} <= {e.home for e in found}


def test_a_changed_output_is_caught():
    text = "<!-- replay: demo -->\n```console\n$ kith db status\nsomething else\n  …\n```\n"
    (example,) = readme.examples(text)
    assert example.expected == ["something else", "  …"]
    assert readme.matches(example.expected, ["something else", "a", "b"])
    assert not readme.matches(example.expected, ["graph store running at bolt://127.0.0.1:1 (pid 2, home /x)"])
    assert readme.matches(["saved as p-0123456789ab"], ["saved as p-ba9876543210"])


def test_an_unmarked_block_is_refused():
    with pytest.raises(ValueError, match=r"README.md:2: a console block needs"):
        readme.examples("text\n```console\n$ kith demo\n```\n")


@pytest.fixture(scope="module")
def homes(tmp_path_factory, kith_home):
    made: dict[str, object] = {}
    yield lambda name: made.setdefault(name, tmp_path_factory.mktemp(f"readme-{name}"))
    for home in made.values():
        subprocess.run([str(readme.KITH), "db", "stop"], env={**os.environ, "KITH_HOME": str(home)},
                       capture_output=True, timeout=60)


def test_readme_examples_replay(homes):
    wrong = []
    for example in readme.examples():
        actual = readme.run(example, homes(example.home))
        if not readme.matches(example.expected, actual):
            diff = "\n".join(difflib.unified_diff(readme.normalise(example.expected), readme.normalise(actual),
                                                  "README", "now", lineterm=""))
            wrong.append(f"README.md:{example.line}: $ {example.command}\n{diff}")
    assert not wrong, "README examples no longer match (python -m tests.readme shows today's output):\n\n" + \
        "\n\n".join(wrong)
