"""The reader learning from reviews: the bundled gold interviews replayed as if masters reviewed
them one by one (`ui.replay`), in English and Korean, beside the hand-built reader alone in the
same run.

Per step: the held-out F1 with the model in use after that interview's reviews, and the F1 of the
interview itself read before its reviews were learned. At the end: the held-out rule F1, the
confidence's Brier score and calibration error, the training time, and the extraction speed
with the final model against bare `nlp.pipe` (target at least 0.6). Targets: held-out rule F1 at
least 0.90 in each language.

    .venv/bin/python bench/learning.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from bench._record import record  # noqa: E402
from bench.extraction import best_of, long_interview  # noqa: E402
from elicitation.disfluency import clean  # noqa: E402
from elicitation.english import PIPELINE, load_pipeline  # noqa: E402
from elicitation.pipeline import extract_transcript  # noqa: E402
from ui.replay import Replay, replay  # noqa: E402


def _curve(r: Replay) -> dict[str, Any]:
    return {
        "reader_alone": r.reader_alone,
        "final": r.final,
        "steps": [
            {
                "interview": s.interview,
                "model": s.model,
                "held_out_f1": s.held_out["f1"],
                "seen_f1": round(s.seen_f1, 4),
            }
            for s in r.steps
        ],
        "accepted": sum(s.refused is None for s in r.steps),
        "refused": sum(s.refused is not None for s in r.steps),
    }


def speed(r: Replay, words: int, repeat: int) -> float:
    """Extraction with the replay's final model against spaCy's own pipe, on a long interview."""
    plain = spacy.load(PIPELINE, exclude=["ner"])
    load_pipeline()
    transcript = long_interview(words)
    texts = [clean(t.text).text for t in transcript.turns]
    models = {"en": r.model} if r.model is not None else {}
    base = best_of(repeat, lambda: list(plain.pipe(texts)))
    ours = best_of(repeat, lambda: extract_transcript(transcript, models=models))
    return round(base / ours, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer interviews and a shorter speed run")
    args = parser.parse_args()
    limit = 4 if args.quick else None
    out: dict[str, Any] = {}
    replays = {}
    for language in ("en", "ko"):
        start = time.perf_counter()
        replays[language] = replay(language, limit=limit)
        out[f"replay_{language}"] = _curve(replays[language])
        out[f"replay_{language}_s"] = round(time.perf_counter() - start, 2)
        for step in out[f"replay_{language}"]["steps"]:
            print(language, step)
    out["final_f1_en"] = replays["en"].final["f1"]
    out["final_f1_ko"] = replays["ko"].final["f1"]
    out["baseline_f1_en"] = replays["en"].reader_alone["f1"]
    out["baseline_f1_ko"] = replays["ko"].reader_alone["f1"]
    out["final_brier_en"], out["final_ece_en"] = replays["en"].final["brier"], replays["en"].final["ece"]
    out["final_brier_ko"], out["final_ece_ko"] = replays["ko"].final["brier"], replays["ko"].final["ece"]
    out["speed_ratio_vs_spacy"] = speed(replays["en"], 3000 if args.quick else 9000, 1 if args.quick else 3)
    record("learning", out)


if __name__ == "__main__":
    main()
