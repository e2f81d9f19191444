"""The stroke templates: how each digit is written, as strokes in a unit box (x right, y down).

A template is a list of strokes; each stroke is a chain of straight (`L`) and smooth (`C`,
Catmull-Rom) pieces through control points. Two tables:

- `REFERENCE_TEMPLATES`: 39 styles (a 1 with or without flag and base, open and closed 4s, 7s
  with and without a bar, 9s with straight or curved tails, 2s with and without a loop…). The
  benchmarks' stroke-drawn sets (bench.recognition, the cards' `drawn_accuracy`) are drawn from
  these only, so models trained on the school styles below are still measured on styles they
  were not given.
- `SCHOOL_TEMPLATES`: 24 more, European school styles MNIST's writers rarely used: a 1 with a
  long up-stroke, a 4 in one stroke, with a rounded cup, a zigzag or a stem only below the bar, a
  7 with a serif, a crossbar (high or low) or a bent stem, an 8 written fast (a collapsed lower
  loop, a small top loop), a 9 whose tail hooks, bulges or sweeps left under the head, whose head
  is left open, a flat loop, a small loop or half the digit. Training digits
  (core.training.synthetic) are drawn from both tables.
"""

from __future__ import annotations

import numpy as np

Point = tuple[float, float]
Styles = dict[str, list]  # style name → template


def arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, count: int = 14) -> list[Point]:
    """Points on an ellipse from angle `start` to `end` (degrees; 0 = right, 90 = down: screen coordinates)."""
    angles = np.radians(np.linspace(start, end, count))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in angles]


REFERENCE_TEMPLATES: dict[int, Styles] = {
    0: {
        "oval": [[("C", arc(0.5, 0.5, 0.45, 0.5, -80, -440, 16))]],
        "oval-clockwise": [[("C", arc(0.5, 0.5, 0.45, 0.5, -100, 275, 16))]],
        "narrow": [[("C", arc(0.5, 0.5, 0.3, 0.5, -90, -445, 16))]],
        "open-top": [[("C", arc(0.5, 0.5, 0.45, 0.5, -70, -395, 15))]],
    },
    1: {
        "stick": [[("L", [(0.5, 0.0), (0.5, 1.0)])]],
        "flag": [[("L", [(0.15, 0.25), (0.55, 0.0), (0.55, 1.0)])]],
        "flag-base": [[("L", [(0.15, 0.25), (0.55, 0.0), (0.55, 1.0)])], [("L", [(0.1, 1.0), (0.95, 1.0)])]],
        "hook": [[("C", [(0.15, 0.2), (0.4, 0.08), (0.58, 0.0)]), ("L", [(0.58, 0.0), (0.5, 1.0)])]],
        "long-flag": [[("L", [(0.1, 0.35), (0.6, 0.0), (0.6, 1.0)])]],
    },
    2: {
        "printed": [[("C", arc(0.5, 0.3, 0.45, 0.3, 195, 395, 10)), ("L", [(0.84, 0.49), (0.02, 1.0), (1.0, 1.0)])]],
        "loop": [[("C", arc(0.5, 0.3, 0.45, 0.3, 195, 380, 9) + [(0.6, 0.7), (0.2, 0.98), (0.05, 0.9), (0.2, 0.8),
                                                                     (0.45, 0.95), (0.75, 1.0), (1.0, 0.93)])]],
        "curvy": [[("C", arc(0.48, 0.28, 0.42, 0.28, 190, 370, 9) + [(0.55, 0.7), (0.05, 0.98), (0.5, 0.93),
                                                                     (1.0, 1.0)])]],
        "z-like": [[("L", [(0.0, 0.12), (0.3, 0.0), (0.85, 0.0), (0.95, 0.18), (0.0, 1.0), (1.0, 0.98)])]],
    },
    3: {
        "round": [[("C", arc(0.45, 0.26, 0.42, 0.25, 200, 450, 10)[:-1] + arc(0.45, 0.74, 0.5, 0.26, 270, 510, 11))]],
        "flat-top": [[("L", [(0.05, 0.0), (0.9, 0.0), (0.4, 0.38)]),
                      ("C", [(0.4, 0.38)] + arc(0.45, 0.68, 0.5, 0.32, 280, 515, 10))]],
        "pointed": [[("C", arc(0.45, 0.25, 0.42, 0.25, 200, 445, 9)), ("L", [(0.45, 0.5), (0.3, 0.5)])],
                    [("C", arc(0.45, 0.74, 0.5, 0.26, 260, 510, 10))]],
    },
    4: {
        "open": [[("L", [(0.12, 0.0), (0.05, 0.62), (1.0, 0.62)])], [("L", [(0.75, 0.1), (0.75, 1.0)])]],
        "closed": [[("L", [(0.7, 0.0), (0.0, 0.68), (1.0, 0.68)])], [("L", [(0.7, 0.0), (0.7, 1.0)])]],
        "closed-one-stroke": [[("L", [(0.72, 1.0), (0.72, 0.0), (0.0, 0.66), (1.0, 0.66)])]],
        "crossed": [[("L", [(0.6, 0.0), (0.0, 0.7), (1.0, 0.7)])], [("L", [(0.76, 0.3), (0.72, 1.0)])]],
        "open-tall": [[("L", [(0.2, 0.15), (0.05, 0.6), (1.0, 0.6)])], [("L", [(0.7, 0.0), (0.7, 1.0)])]],
    },
    5: {
        "two-strokes": [[("L", [(0.18, 0.0), (0.13, 0.45)]),
                         ("C", [(0.13, 0.45), (0.5, 0.36), (0.9, 0.55), (0.88, 0.82), (0.5, 1.0), (0.05, 0.88)])],
                        [("L", [(0.18, 0.0), (0.92, 0.0)])]],
        "one-stroke": [[("L", [(0.92, 0.0), (0.2, 0.0), (0.14, 0.45)]),
                        ("C", [(0.14, 0.45), (0.55, 0.38), (0.92, 0.6), (0.8, 0.9), (0.4, 1.0), (0.02, 0.85)])]],
        "round-belly": [[("L", [(0.9, 0.0), (0.25, 0.0), (0.15, 0.4)]),
                         ("C", arc(0.5, 0.68, 0.45, 0.32, 225, 510, 11))]],
        "s-like": [[("C", [(0.95, 0.02), (0.5, 0.0), (0.18, 0.05), (0.15, 0.42), (0.6, 0.42), (0.95, 0.7), (0.6, 1.0),
                           (0.05, 0.9)])]],
    },
    6: {
        "curved": [[("C", [(0.85, 0.02), (0.45, 0.18), (0.12, 0.6), (0.2, 0.93), (0.52, 1.0), (0.88, 0.8),
                           (0.75, 0.53), (0.42, 0.5), (0.14, 0.7)])]],
        "straight": [[("L", [(0.75, 0.0), (0.12, 0.65)]), ("C", arc(0.5, 0.72, 0.38, 0.28, 180, 535, 14))]],
        "small-loop": [[("C", [(0.75, 0.0), (0.38, 0.3), (0.2, 0.7), (0.35, 1.0), (0.7, 0.95), (0.75, 0.72),
                               (0.45, 0.65), (0.25, 0.8)])]],
    },
    7: {
        "plain": [[("L", [(0.0, 0.0), (1.0, 0.0), (0.35, 1.0)])]],
        "bar": [[("L", [(0.0, 0.0), (1.0, 0.0), (0.35, 1.0)])], [("L", [(0.3, 0.52), (0.9, 0.52)])]],
        "curved-stem": [[("L", [(0.0, 0.12), (0.02, 0.0), (1.0, 0.0)]), ("C", [(1.0, 0.0), (0.62, 0.45), (0.45, 1.0)])]],
        "curved-bar": [[("L", [(0.0, 0.0), (1.0, 0.0)]), ("C", [(1.0, 0.0), (0.6, 0.45), (0.42, 1.0)])],
                       [("L", [(0.35, 0.5), (0.95, 0.48)])]],
    },
    8: {
        "one-stroke": [[("C", [(0.85, 0.12), (0.5, 0.0), (0.15, 0.15), (0.3, 0.4), (0.7, 0.6), (0.88, 0.85),
                               (0.5, 1.0), (0.12, 0.85), (0.3, 0.6), (0.7, 0.4), (0.85, 0.15), (0.55, 0.0)])]],
        "two-loops": [[("C", arc(0.5, 0.24, 0.32, 0.24, 90, 450, 14))], [("C", arc(0.5, 0.73, 0.45, 0.27, -90, 275, 14))]],
        "from-centre": [[("C", [(0.5, 0.5), (0.85, 0.25), (0.5, 0.0), (0.15, 0.25), (0.5, 0.5), (0.9, 0.78), (0.5, 1.0),
                                (0.1, 0.78), (0.5, 0.5)])]],
    },
    9: {
        "straight-tail": [[("C", arc(0.5, 0.28, 0.42, 0.28, 10, -355, 14)), ("L", [(0.92, 0.3), (0.88, 1.0)])]],
        "curved-tail": [[("C", arc(0.5, 0.28, 0.42, 0.28, 10, -355, 14) + [(0.88, 0.7), (0.6, 1.0), (0.2, 0.93)])]],
        "two-strokes": [[("C", arc(0.48, 0.27, 0.42, 0.27, 0, -365, 14))], [("L", [(0.9, 0.05), (0.82, 1.0)])]],
        "open-loop": [[("C", arc(0.5, 0.28, 0.42, 0.28, -10, -300, 13))], [("L", [(0.93, 0.02), (0.86, 1.0)])]],
    },
}


SCHOOL_TEMPLATES: dict[int, Styles] = {
    1: {  # a long up-stroke from low on the left (up to half the height), then the stem
        "up-stroke": [[("L", [(0.0, 0.5), (0.62, 0.0), (0.6, 1.0)])]],
        "up-stroke-curved": [[("C", [(0.0, 0.42), (0.3, 0.22), (0.62, 0.0)]), ("L", [(0.62, 0.0), (0.58, 1.0)])]],
        "up-stroke-base": [[("L", [(0.05, 0.4), (0.6, 0.0), (0.6, 1.0)])], [("L", [(0.2, 1.0), (0.95, 1.0)])]],
        # the up-stroke as long as the stem is wide apart: from low on the left, steep, then straight down
        "up-stroke-long": [[("L", [(0.0, 0.62), (0.8, 0.0), (0.78, 1.0)])]],
    },
    4: {
        # one stroke: left arm down, along the bar, up the right stem, and down it again below the bar
        "one-stroke-open": [[("L", [(0.12, 0.0), (0.05, 0.6), (0.95, 0.6)]),
                             ("L", [(0.95, 0.6), (0.72, 0.6), (0.74, 0.02), (0.72, 1.0)])]],
        # the left arm and the bar as one rounded cup (a "u" opening into the stem)
        "rounded-cup": [[("C", [(0.1, 0.0), (0.08, 0.4), (0.25, 0.62), (0.55, 0.62), (0.75, 0.55)])],
                        [("L", [(0.78, 0.0), (0.76, 1.0)])]],
        "cup-one-stroke": [[("C", [(0.1, 0.0), (0.06, 0.42), (0.25, 0.62), (0.6, 0.6), (0.76, 0.3), (0.8, 0.0)]),
                            ("L", [(0.8, 0.0), (0.76, 1.0)])]],
        # an "L" with a rounded corner, then a short stem that starts at the bar (or just above) and goes down
        "short-stem": [[("C", [(0.12, 0.0), (0.06, 0.42), (0.18, 0.62), (0.55, 0.62), (0.95, 0.6)])],
                       [("L", [(0.74, 0.4), (0.72, 1.0)])]],
        # one zigzag stroke: down to the left, the bar rising to the right, then the stem down from its end
        "zigzag": [[("L", [(0.55, 0.0), (0.02, 0.62), (0.9, 0.36), (0.72, 1.0)])]],
    },
    7: {
        "serif-bar": [[("L", [(0.0, 0.15), (0.05, 0.0), (1.0, 0.02), (0.4, 1.0)])], [("L", [(0.25, 0.52), (0.85, 0.5)])]],
        "bar-curved-stem": [[("L", [(0.0, 0.02), (1.0, 0.0)]), ("C", [(1.0, 0.0), (0.7, 0.35), (0.55, 0.7), (0.5, 1.0)])],
                            [("L", [(0.35, 0.5), (0.95, 0.5)])]],
        "bent-stem-bar": [[("L", [(0.0, 0.05), (0.95, 0.0)]), ("C", [(0.95, 0.0), (0.6, 0.4), (0.45, 0.75), (0.5, 1.0)])],
                          [("L", [(0.3, 0.48), (0.9, 0.45)])]],
        # the stem bowed like a ")" and a long bar low on it, starting left of the stem
        "low-bar": [[("L", [(0.02, 0.05), (0.9, 0.0)]), ("C", [(0.9, 0.0), (0.85, 0.35), (0.62, 0.7), (0.5, 1.0)])],
                    [("L", [(0.2, 0.63), (0.98, 0.6)])]],
    },
    8: {  # written fast: the lower loop collapses to a narrow slanted one, or the top loop to a small one
        "narrow-lower-loop": [[("C", [(0.8, 0.1), (0.5, 0.0), (0.2, 0.12), (0.35, 0.38), (0.58, 0.55), (0.6, 0.85),
                                      (0.48, 1.0), (0.36, 0.86), (0.42, 0.56), (0.7, 0.36), (0.82, 0.12)])]],
        "small-top-loop": [[("C", [(0.7, 0.05), (0.5, 0.0), (0.32, 0.1), (0.42, 0.3), (0.75, 0.55), (0.85, 0.85),
                                   (0.5, 1.0), (0.15, 0.85), (0.3, 0.55), (0.6, 0.3), (0.68, 0.08)])]],
    },
    9: {  # the tail curls left under the head (a "g"-like 9), or sweeps far left; or the head stays open
        "hook-tail": [[("C", arc(0.5, 0.27, 0.4, 0.27, 10, -355, 14) + [(0.9, 0.6), (0.82, 0.88), (0.55, 1.0),
                                                                      (0.25, 0.95)])]],
        "small-head-hook": [[("C", arc(0.52, 0.22, 0.35, 0.22, 10, -355, 13) + [(0.86, 0.55), (0.8, 0.85),
                                                                             (0.5, 1.0), (0.15, 0.9)])]],
        "round-head-hook": [[("C", arc(0.5, 0.3, 0.45, 0.3, 0, -360, 14))],
                            [("C", [(0.95, 0.3), (0.92, 0.75), (0.7, 1.0), (0.3, 0.97)])]],
        "curl-tail": [[("C", arc(0.55, 0.2, 0.32, 0.2, 10, -355, 13) + [(0.85, 0.5), (0.8, 0.8), (0.55, 0.98),
                                                                      (0.2, 0.98), (0.0, 0.82)])]],
        "open-head-curl": [[("C", arc(0.55, 0.22, 0.33, 0.22, 20, -300, 12) + [(0.8, 0.1), (0.88, 0.25), (0.84, 0.6),
                                                                             (0.7, 0.92), (0.35, 1.0), (0.05, 0.85)])]],
        # a flat, narrow loop for a head and a long straight tail: a 7 with its bar closed into a loop
        "flat-head": [[("C", arc(0.5, 0.13, 0.42, 0.13, 10, -355, 12)), ("L", [(0.92, 0.15), (0.55, 1.0)])]],
        # a wide round head half the digit's height, the tail down its right side and hooked left underneath
        "big-head-hook": [[("C", arc(0.5, 0.27, 0.48, 0.27, 5, -360, 14) + [(0.97, 0.55), (0.88, 0.86), (0.6, 1.0),
                                                                        (0.25, 0.95)])]],
        # a small head, then a long tail that bulges right and curls back left (a "g")
        "small-head-bulge": [[("C", arc(0.42, 0.14, 0.26, 0.14, 10, -355, 12) + [(0.78, 0.32), (0.9, 0.62),
                                                                              (0.72, 0.9), (0.4, 1.0), (0.08, 0.9)])]],
        # a small head up on the right and a long straight tail slanting down to the left
        "small-head-slant": [[("C", arc(0.68, 0.14, 0.3, 0.14, 10, -355, 12)), ("L", [(0.97, 0.17), (0.25, 1.0)])]],
    },
}
