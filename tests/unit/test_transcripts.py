import json
from pathlib import Path

import docx
import pytest

from elicitation import TranscriptError, parse_bytes
from elicitation.transcripts import parse_timestamp

TXT = "[00:00:05] Interviewer: What do you do when it rains?\n[00:00:09] Park: When it rains, we put up the screens.\nAnd we preheat.\n"


def test_txt_turns_keep_speakers_timestamps_and_continuation_lines() -> None:
    t = parse_bytes(TXT.encode(), "a.txt")
    assert [(x.speaker, x.start_time) for x in t.turns] == [("Interviewer", 5.0), ("Park", 9.0)]
    assert t.turns[1].text == "When it rains, we put up the screens. And we preheat."
    assert t.turns[0].is_interviewer and not t.turns[1].is_interviewer


def test_qa_labels_mark_the_interviewer() -> None:
    t = parse_bytes(b"Q: Why?\nA: If it rains, stop.", "qa.txt")
    assert [x.is_interviewer for x in t.turns] == [True, False]


def test_vtt_voice_tags_and_merged_cues() -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Interviewer>Hi?\n\n"
        "00:00:02.500 --> 00:00:04.000\n<v Lee>If it squeals,\n\n00:00:04.000 --> 00:00:05.000\n<v Lee>slow down.\n"
    )
    t = parse_bytes(vtt.encode(), "a.vtt")
    assert [(x.speaker, x.text) for x in t.turns] == [("Interviewer", "Hi?"), ("Lee", "If it squeals, slow down.")]
    assert t.turns[1].start_time == 2.5 and t.turns[1].end_time == 5.0


@pytest.mark.parametrize(
    "data,encoding",
    [
        ("Park: 비가 오면 예열한다".encode(), "utf-8"),
        ("\ufeffPark: 비가 오면 예열한다".encode(), "utf-8-sig"),
        ("Park: 비가 오면 예열한다".encode("utf-16"), "utf-16"),
        ("박: 비가 오면 예열한다".encode("cp949"), "cp949"),
    ],
)
def test_encodings_are_detected_and_reported(data: bytes, encoding: str) -> None:
    t = parse_bytes(data, "k.txt")
    assert t.encoding == encoding and "예열" in t.turns[0].text


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "e.txt", "empty"),
        (b"   \n\n", "e.txt", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "img.txt", "binary"),
        (b"Park: caf\xe9 \xff\xfe\xfd", "latin.txt", "cannot decode"),
        (b"just some words without a speaker", "x.txt", "expected 'Speaker: text'"),
        (b"[12:7x:00] Park: hello", "t.txt", "malformed timestamp"),
        (b"[00:75:00] Park: hello", "t.txt", "malformed timestamp"),
        (b"WEBVTT\n\n00:00:01.000 --> zz\n<v A>hi\n", "a.vtt", "malformed timestamp"),
        (b"no header\n", "a.vtt", "not a WebVTT"),
        (b"Park: hi", "a.pdf", "unsupported transcript format"),
        (b"1\n00:00:01,000 --> 00:00:0x,000\nA: hi\n", "a.srt", "malformed timestamp"),
        (b"hello there\n", "a.srt", "not an SRT file"),
        (b"{not json", "w.json", "not valid JSON"),
        (b'{"segments": [{"start": "soon", "end": 1, "text": "hi"}]}', "w.json", "malformed timestamp"),
        (b'{"segments": [{"start": 2, "end": 1, "text": "hi"}]}', "w.json", "ends before it starts"),
        (b'{"words": []}', "w.json", "segments"),
        (b"PK\x03\x04 not really a zip", "d.docx", "not a readable .docx"),
    ],
)
def test_bad_input_is_a_clear_error_naming_the_file(data: bytes, name: str, message: str) -> None:
    with pytest.raises(TranscriptError, match=message) as info:
        parse_bytes(data, name)
    assert name in str(info.value)


def test_huge_file_is_refused() -> None:
    with pytest.raises(TranscriptError, match="at most"):
        parse_bytes(b"Park: x\n" * (3 * 1024 * 1024), "big.txt")


def test_timestamps() -> None:
    assert parse_timestamp("01:02:03.5", "x") == 3723.5
    assert parse_timestamp("02:03", "x") == 123.0


SRT = (
    "1\n00:00:01,000 --> 00:00:03,000\nInterviewer: And in winter?\n\n"
    "2\n00:00:03,500 --> 00:00:05,000\nKim: In winter we preheat\n\n"
    "3\n00:00:05,000 --> 00:00:06,200\nKim: every plate.\n"
)


def test_srt_cues_become_turns_with_speakers_and_times() -> None:
    t = parse_bytes(SRT.encode(), "talk.srt")
    assert t.format == "srt"
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("Interviewer", "And in winter?"),
        ("Kim", "In winter we preheat every plate."),
    ]
    assert (t.turns[1].start_time, t.turns[1].end_time) == (3.5, 6.2)


def test_whisperx_json_segments_keep_speaker_and_times() -> None:
    data = {
        "segments": [
            {"start": 0.0, "end": 2.0, "text": " What if it rains?", "speaker": "SPEAKER_00"},
            {"start": 2.1, "end": 4.0, "text": " If it rains, we stop.", "speaker": "SPEAKER_01"},
            {"start": 4.0, "end": 5.5, "text": " Always.", "speaker": "SPEAKER_01"},
        ]
    }
    t = parse_bytes(json.dumps(data).encode(), "whisperx.json")
    assert [(x.speaker, x.text, x.start_time, x.end_time) for x in t.turns] == [
        ("SPEAKER_00", "What if it rains?", 0.0, 2.0),
        ("SPEAKER_01", "If it rains, we stop. Always.", 2.1, 5.5),
    ]


def test_plain_whisper_json_without_speakers_is_one_speaker() -> None:
    data = {"text": "x", "segments": [{"start": 0, "end": 1, "text": "If it squeals, slow down."}]}
    t = parse_bytes(json.dumps(data).encode(), "whisper.json")
    assert [(x.speaker, x.text) for x in t.turns] == [("Speaker", "If it squeals, slow down.")]


def test_docx_paragraphs_and_tables_become_turns(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer: What about thick plates?")
    document.add_paragraph("Choi: For plates thicker than 25 mm, preheat to 120 degrees.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Interviewer"
    table.rows[0].cells[1].text = "Thanks."
    path = tmp_path / "interview.docx"
    document.save(str(path))
    t = parse_bytes(path.read_bytes(), "interview.docx")
    assert t.format == "docx"
    assert [x.speaker for x in t.turns] == ["Interviewer", "Choi", "Interviewer"]
    assert "thicker than 25 mm" in t.turns[1].text


def test_docx_heading_names_the_document_and_is_not_a_turn(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("옻칠 장인 면담 기록 (2026년 10월)", level=1)
    document.add_paragraph("문: 온도는요?")
    document.add_paragraph("답: 온도가 너무 높으면 주름이 져요.")
    path = tmp_path / "면담.docx"
    document.save(str(path))
    t = parse_bytes(path.read_bytes(), "면담.docx")
    assert [(x.speaker, x.text) for x in t.turns] == [("문", "온도는요?"), ("답", "온도가 너무 높으면 주름이 져요.")]
