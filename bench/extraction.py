"""Extraction speed on an hour-long interview, and extraction quality on the gold data.

Speed: an interview of about 9,000 words is assembled from the bundled gold interviews (their
turns, in order, repeated until long enough). It is extracted with `extract_transcript` and,
as the baseline in the same run, parsed by spaCy's own `nlp.pipe` with the same packaged model
and no rule components. Each is timed best of `--repeat` after a warm-up. Targets: at most 15 s,
and at least 0.6 times the throughput of `nlp.pipe`.

Quality: the figures of `myeongjang evaluate` (rule-level precision/recall/F1 on the dev and
held-out interviews, cross-turn recall), the confidence's Brier score and calibration error against
the reader's raw score (each interview scored by a calibration fitted on the others), and, when the CiRA development data is found (`--dev-data`),
sentence detection and span overlap.

    .venv/bin/python bench/extraction.py [--words 9000] [--repeat 3] [--dev-data ../shared/data/dev]
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
from elicitation import calibration, evaluation  # noqa: E402
from elicitation.disfluency import clean  # noqa: E402
from elicitation.extraction import PIPELINE, extract_transcript, load_pipeline  # noqa: E402
from elicitation.transcripts import Transcript, Turn  # noqa: E402


def long_interview(words: int) -> Transcript:
    interviews = evaluation.read_gold_dir(evaluation.GOLD_DIR)
    turns: list[Turn] = []
    count = 0
    source = [
        ("Interviewer" if t.speaker in _askers(interview) else "Master", t.text)
        for interview in interviews
        for t in interview.transcript.turns
    ]
    while count < words:
        speaker, text = source[len(turns) % len(source)]
        turns.append(Turn(len(turns), speaker, text))
        count += len(text.split())
    return Transcript(turns=turns, format="txt", encoding="utf-8", name="hour.txt")


def _askers(interview: evaluation.GoldInterview) -> set[str]:
    from elicitation.extraction import interviewer_speakers

    return interviewer_speakers(interview.transcript)


def best_of(repeat: int, job: Any) -> float:
    job()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def speed(words: int, repeat: int) -> dict[str, Any]:
    transcript = long_interview(words)
    n_words = sum(len(t.text.split()) for t in transcript.turns)
    texts = [clean(t.text).text for t in transcript.turns]
    plain = spacy.load(PIPELINE, exclude=["ner"])
    load_pipeline()
    baseline = best_of(repeat, lambda: list(plain.pipe(texts)))
    ours = best_of(repeat, lambda: extract_transcript(transcript))
    return {
        "words": n_words,
        "turns": len(transcript.turns),
        "extract_s": round(ours, 3),
        "spacy_pipe_s": round(baseline, 3),
        "throughput_ratio_vs_spacy_pipe": round(baseline / ours, 3),
        "rules": len(extract_transcript(transcript)),
    }


def quality() -> dict[str, Any]:
    interviews = evaluation.read_gold_dir(evaluation.GOLD_DIR)
    matches = calibration.raw_matches(interviews)
    weights = calibration.load()
    split = {i.path.name: i.split for i in interviews}
    out: dict[str, Any] = {}
    for name in ("dev", "holdout"):
        part = [m for m in matches if split[m.interview] == name]
        score = evaluation.total(m.score for m in part)
        out[f"rules_{name}"] = {
            "gold": sum(len(m.gold) for m in part),
            **score.as_dict(),
            "cross_turn_recall": round(evaluation.total(m.cross_turn() for m in part).recall, 4),
            "confidence": evaluation.calibration_error(
                [(calibration.apply(c, weights), y) for m in part for c, y in m.calibration()]
            ),
        }
    # Calibration, each interview scored by a curve fitted on the others, against the raw score.
    out["confidence_leave_one_interview_out"] = calibration.cross_validated(calibration.points_by_interview(matches))
    return out


def cira(dev_data: Path) -> dict[str, Any]:
    rows = evaluation.read_detection(dev_data / "cira_detection_dev.csv")
    held = [r for r in rows if evaluation.in_holdout(r[0])]
    spans = evaluation.score_spans(
        evaluation.read_spans(dev_data / "cira_examples"),
        evaluation.extract_sentences,
    )
    return {
        "detection_all": evaluation.score_detection(rows, evaluation.detect).as_dict(),
        "detection_held_out": evaluation.score_detection(held, evaluation.detect).as_dict(),
        "detection_structured_only": evaluation.score_detection(rows, evaluation.detect_structured).as_dict(),
        "detection_held_out_structured_only": evaluation.score_detection(held, evaluation.detect_structured).as_dict(),
        "spans": {k: v.as_dict() for k, v in spans.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=9000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dev-data", type=Path, default=ROOT.parent / "shared" / "data" / "dev")
    args = parser.parse_args()
    figures: dict[str, Any] = {"speed": speed(args.words, args.repeat)}
    if (args.dev_data / "cira_detection_dev.csv").exists():
        figures["cira"] = cira(args.dev_data)
    figures["quality"] = quality()
    record("extraction", figures)


if __name__ == "__main__":
    main()
