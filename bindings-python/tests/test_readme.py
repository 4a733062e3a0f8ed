"""The README's Python quick start, and the docs' Python examples, run as written (every
```python block, in order)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOT


def test_readme_python_blocks_run() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no Python quick start"
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)


def test_docs_python_blocks_run(tmp_path: Path) -> None:
    """The Python examples of docs/partial-state.md and docs/calendar-data.md run as written
    (the calendar example in a folder holding its file, the 2027 example data)."""
    import shutil

    import pytest

    shutil.copy(ROOT / "examples" / "calendar-2027-example.toml", tmp_path / "calendar-2027.toml")
    for name, prelude in (("partial-state.md", ""), ("calendar-data.md", "import hotline_score as hs\n")):
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
        assert blocks, f"docs/{name} has no Python example"
        namespace: dict[str, object] = {}
        with pytest.MonkeyPatch.context() as mp:
            mp.chdir(tmp_path)
            for block in blocks:
                exec(compile(prelude + block, f"docs/{name}", "exec"), namespace)
