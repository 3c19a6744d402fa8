"""Which gold spans of one label a part's detector finds under another label (a debugging aid for
benchmarks/redaction.py, which prints only the counts): ``python benchmarks/label_check.py meet8-en NIR``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import redaction

from visio_archive.redaction.detector import get_detector


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("part", choices=list(redaction.PARTS))
    ap.add_argument("label", choices=redaction.LABELS)
    args = ap.parse_args()
    path, lang = redaction.PARTS[args.part]
    det = get_detector(lang)
    for case in redaction.load_cases(path):
        ents = det.detect_many([case["text"]], case.get("participants") or [])[0]
        for gold in case["entities"]:
            if gold["label"] != args.label:
                continue
            over = [e for e in ents if e.start < gold["end"] and gold["start"] < e.end]
            if over and not any(e.label == args.label for e in over):
                print(f"{case['id']} {gold['text']!r} -> {[(e.label, e.text) for e in over]}")


if __name__ == "__main__":
    main()
