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
