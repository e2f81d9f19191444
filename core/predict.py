"""Command line: what does every saved model read in these images?

    python -m core.predict IMAGE_OR_DIR... [--json] [--models-dir DIR]

Each image (PNG/JPEG/… of any size: a canvas export with a transparent background, white on
black or black on white) is preprocessed exactly as the Draw page does it, then every saved
model and their ensemble (the mean of the probabilities) answer. A folder stands for the
images directly inside it. With `--json`, one object per image per line:

    {"image": PATH, "blank": false, "models": {NAME: {"digit": D, "probabilities": [10 floats]}},
     "ensemble": {"digit": D, "probabilities": [...]}}

A blank image gives `{"image": PATH, "blank": true, "message": ...}` and no digits; an
unreadable one `{"image": PATH, "error": ...}` (and exit status 1). A missing path or no
loadable model: a one-line reason on stderr and exit status 2 or 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core import settings
from core.drawing.inference import NO_MODELS_MESSAGE, DrawingResult, InferenceEngine
from core.drawing.preprocess import IMAGE_SUFFIXES, load_image, prepare_drawing
from core.i18n.catalog import add_language_option, use_command_line_language

EXIT_BAD_IMAGE = 1
EXIT_NO_MODELS = 1
EXIT_BAD_PATH = 2


def expand_paths(arguments: list[str]) -> list[Path]:
    """Files as given, folders as their image files (sorted); ValueError for a missing path or an imageless folder."""
    paths = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            images = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
            if not images:
                raise ValueError(f"{path}: no images ({', '.join(IMAGE_SUFFIXES)}) in this folder")
            paths.extend(images)
        elif path.is_file():
            paths.append(path)
        else:
            raise ValueError(f"{path}: no such file or folder")
    return paths


def _rounded(probabilities) -> list[float]:
    return [round(float(value), 6) for value in probabilities]


def image_record(path: Path, result: DrawingResult) -> dict:
    """The JSON object for one image's DrawingResult."""
    if result.blank:
        return {"image": str(path), "blank": True, "message": result.drawing.message}
    return {
        "image": str(path),
        "blank": False,
        "models": {answer.name: {"digit": answer.digit, "probabilities": _rounded(answer.probabilities)}
                   for answer in result.answers},
        "ensemble": {"digit": result.ensemble.digit, "probabilities": _rounded(result.ensemble.probabilities)},
    }


def _text_block(path: Path, result) -> str:
    """A heading line, then one row per model (digit and the 10 probabilities) and the ensemble's row."""
    if result.blank:
        return f"{path}: blank — {result.drawing.message}"
    disagreeing = f"disagreeing: {', '.join(result.disagreeing)}" if result.disagreeing else "all models agree"
    width = max(len("ensemble"), *(len(answer.name) for answer in result.answers))
    lines = [f"{path}: {result.ensemble.digit} (ensemble, {result.ensemble.confidence:.0%} sure; {disagreeing})",
             f"  {'model':{width}s}  digit  " + " ".join(f"{digit:>5d}" for digit in range(10))]
    for answer in [*result.answers, result.ensemble]:
        lines.append(f"  {answer.name:{width}s}  {answer.digit:5d}  " + " ".join(f"{p:5.3f}" for p in answer.probabilities))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m core.predict", description=__doc__.split("\n\n")[0])
    parser.add_argument("images", nargs="+", metavar="IMAGE_OR_DIR", help="image files or folders of images")
    parser.add_argument("--json", action="store_true", help="one JSON object per image per line")
    parser.add_argument("--models-dir", type=Path, default=None, help=f"default: ${settings.MODELS_DIR_VARIABLE} or saved_models/")
    add_language_option(parser)
    args = parser.parse_args(argv)
    use_command_line_language(args)
    try:
        paths = expand_paths(args.images)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_PATH

    settings.quiet_tensorflow()
    engine = InferenceEngine(args.models_dir, warm_up=False)
    engine.refresh()
    for note in engine.notes:
        print(f"note: {note}", file=sys.stderr)
    if not engine.names:
        print(f"error: no loadable models in {engine.directory}. {NO_MODELS_MESSAGE}", file=sys.stderr)
        return EXIT_NO_MODELS
    status = 0
    for path in paths:
        try:
            result = engine.predict(prepare_drawing(load_image(path)))
        except ValueError as error:
            status = EXIT_BAD_IMAGE
            print(f"error: {error}", file=sys.stderr)
            if args.json:
                print(json.dumps({"image": str(path), "error": str(error)}), flush=True)
            continue
        print(json.dumps(image_record(path, result)) if args.json else _text_block(path, result), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
