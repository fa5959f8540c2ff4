"""Extraction speed on an hour-long interview, and extraction quality on the gold data.

Speed: an interview of about 9,000 words is assembled from the bundled gold interviews (their
turns, in order, repeated until long enough). It is extracted with `extract_transcript` and,
as the baseline in the same run, parsed by spaCy's own `nlp.pipe` with the same packaged model
and no rule components. Each is timed best of `--repeat` after a warm-up. Targets: at most 15 s,
and at least 0.6 times the throughput of `nlp.pipe`. The same for Korean, from the Korean gold
interviews (as many words, counted by spaces): extraction against the Korean pipeline's own
tokenizer alone (Kiwi's morphological analysis into spaCy tokens), and words per second beside
the English figure.

Quality: the figures of `myeongjang evaluate` (rule-level precision/recall/F1 on the dev and
held-out interviews, cross-turn recall), the confidence's Brier score and calibration error against
the reader's raw score (each interview scored by a calibration fitted on the others), and, when the CiRA development data is found (`--dev-data`),
sentence detection and span overlap.

    .venv/bin/python bench/extraction.py [--words 9000] [--repeat 3] [--dev-data ../shared/data/dev] [--quick]
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
from elicitation import evaluation  # noqa: E402
from elicitation.disfluency import clean  # noqa: E402
from elicitation.english import PIPELINE, load_pipeline  # noqa: E402
from elicitation.pipeline import extract_transcript  # noqa: E402
from elicitation.training import calibration  # noqa: E402
from elicitation.transcripts import Transcript, Turn  # noqa: E402


def long_interview(words: int, folder: Path = evaluation.GOLD_DIR) -> Transcript:
    interviews = evaluation.read_gold_dir(folder)
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
    from elicitation.pipeline import interviewer_speakers

    return interviewer_speakers(interview.transcript)


def best_of(repeat: int, job: Any) -> float:
    job()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def timed(transcript: Transcript, baseline: Any, repeat: int, baseline_name: str) -> dict[str, Any]:
    """`extract_transcript` on the transcript against `baseline` (given the cleaned turn texts),
    each best of `repeat` after a warm-up."""
    n_words = sum(len(t.text.split()) for t in transcript.turns)
    texts = [clean(t.text).text for t in transcript.turns]
    base = best_of(repeat, lambda: baseline(texts))
    ours = best_of(repeat, lambda: extract_transcript(transcript))
    return {
        "words": n_words,
        "turns": len(transcript.turns),
        "extract_s": round(ours, 3),
        f"{baseline_name}_s": round(base, 3),
        f"throughput_ratio_vs_{baseline_name}": round(base / ours, 3),
        "rules": len(extract_transcript(transcript)),
        "words_per_s": round(n_words / ours),
    }


def speed(words: int, repeat: int) -> dict[str, Any]:
    plain = spacy.load(PIPELINE, exclude=["ner"])
    load_pipeline()
    return timed(long_interview(words), lambda texts: list(plain.pipe(texts)), repeat, "spacy_pipe")


def speed_korean(words: int, repeat: int) -> dict[str, Any]:
    """The Korean reader on a long Korean interview, against the Korean pipeline's tokenizer alone."""
    from elicitation.korean import load_korean_pipeline

    nlp = load_korean_pipeline()
    transcript = long_interview(words, evaluation.GOLD_DIR_KO)
    return timed(transcript, lambda texts: [nlp.make_doc(t) for t in texts], repeat, "kiwi_tokenizer")


def quality(folder: Path = evaluation.GOLD_DIR, weights_file: Path = calibration.WEIGHTS) -> dict[str, Any]:
    interviews = evaluation.read_gold_dir(folder)
    matches = calibration.raw_matches(interviews)
    weights = calibration.load(weights_file)
    split = {i.path.name: i.split for i in interviews}
    fresh = {i.path.name for i in interviews if "after" in str(_written(i))}
    out: dict[str, Any] = {}
    for name in ("dev", "holdout", "fresh"):
        part = [m for m in matches if split[m.interview] == name or (name == "fresh" and m.interview in fresh)]
        if not part:
            continue
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


def _written(interview: evaluation.GoldInterview) -> str:
    """When a gold interview was written, as its file says ("after all tuning"), if it says."""
    import json

    return str(json.loads(interview.path.read_text(encoding="utf-8")).get("written", ""))


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
    parser.add_argument("--quick", action="store_true", help="3,000 words, one timing, no CiRA data")
    args = parser.parse_args()
    if args.quick:
        args.words, args.repeat = 3000, 1
    figures: dict[str, Any] = {"speed": speed(args.words, args.repeat)}
    figures["speed_korean"] = speed_korean(args.words, args.repeat)
    figures["speed_korean"]["words_per_s_ratio_vs_english"] = round(
        figures["speed_korean"]["words_per_s"] / figures["speed"]["words_per_s"], 3
    )
    if not args.quick and (args.dev_data / "cira_detection_dev.csv").exists():
        figures["cira"] = cira(args.dev_data)
    figures["quality"] = quality()
    figures["quality_korean"] = quality(evaluation.GOLD_DIR_KO, calibration.WEIGHTS_KO)
    for name in ("speed", "speed_korean"):
        part = figures[name]
        print(f"{name:14} {part['words']:>6} words  {part['extract_s']:>7} s  {part['words_per_s']:>6} words/s")
    for name in ("quality", "quality_korean"):
        for split, part in figures[name].items():
            if split.startswith("rules_"):
                print(f"{name:14} {split:14} {part['gold']:>4} gold  F1 {part['f1']:.3f}")
    record("extraction", figures)


if __name__ == "__main__":
    main()
