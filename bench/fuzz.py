"""The property tests of the readers and the cleaner (tests/test_properties.py) with many more examples.

CI runs each property with 30-60 examples; this runs them with 3,000 (hypothesis profile ``long``).

    python -m bench.fuzz
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    sys.exit(
        subprocess.call(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "tests/test_properties.py",
                "--hypothesis-profile=long",
                "-p",
                "no:cacheprovider",
            ],
            cwd=ROOT,
        )
    )
