"""SMS splitting: GSM-7 160/153 (extension characters count 2), UCS-2 70/67 in UTF-16
code units, and never a part boundary inside a grapheme cluster or a surrogate pair."""

from __future__ import annotations

import pytest

from core.delivery.sms_split import GSM7, UCS2, graphemes, split_sms, units


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _check_parts(text: str, limit: int) -> None:
    """What every split must hold: the parts join to the text, none is over the limit,
    and each boundary falls between grapheme clusters."""
    result = split_sms(text)
    assert "".join(result.parts) == text
    for part in result.parts:
        assert units(part, result.encoding) <= limit
        # a part cut inside a cluster would re-segment differently on its own
        assert "".join(graphemes(part)) == part
    boundaries = set()
    pos = 0
    for part in result.parts[:-1]:
        pos += len(part)
        boundaries.add(pos)
    cluster_edges = set()
    pos = 0
    for g in graphemes(text):
        pos += len(g)
        cluster_edges.add(pos)
    assert boundaries <= cluster_edges, "a part boundary splits a grapheme cluster"


@pytest.mark.parametrize(("length", "parts"), [(0, 1), (1, 1), (160, 1), (161, 2),
                                                (306, 2), (307, 3)])
def test_gsm7_lengths(length: int, parts: int) -> None:
    result = split_sms("a" * length)
    assert result.encoding == GSM7
    assert result.count == parts
    if parts > 1:
        assert [len(p) for p in result.parts[:-1]] == [153] * (parts - 1)


def test_gsm7_accented_letters_of_the_alphabet_stay_gsm7() -> None:
    text = "Évacuez: àéèùìò ÄÖÑÜäöñü ß Ø å @£$¥ ¿¡ §"
    assert split_sms(text).encoding == GSM7


def test_extension_characters_count_two() -> None:
    assert units("€", GSM7) == 2
    text = "€" * 80  # 160 units: still one message
    result = split_sms(text)
    assert (result.encoding, result.units, result.count) == (GSM7, 160, 1)
    result = split_sms("€" * 81)  # 162 units: two parts of at most 153 units
    assert result.count == 2
    assert [len(p) for p in result.parts] == [76, 5]  # 76 * 2 = 152; the next would be 154
    for ch in "^{}\\[~]|\f":
        assert units(ch, GSM7) == 2


def test_extension_character_never_split_from_its_escape_at_the_boundary() -> None:
    text = "a" * 152 + "[" + "b" * 10  # the '[' would need units 153 and 154
    result = split_sms(text)
    assert result.encoding == GSM7
    assert result.parts[0] == "a" * 152  # the bracket moved whole to part 2
    assert result.parts[1].startswith("[")
    _check_parts(text, 153)


def test_one_character_outside_gsm_makes_it_ucs2() -> None:
    assert split_sms("Hello` world").encoding == UCS2  # backtick is not GSM 03.38
    assert split_sms("Hello ç").encoding == UCS2  # only capital Ç is in the alphabet
    assert split_sms("Hello 中").encoding == UCS2


@pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3)])
def test_chinese_lengths(length: int, parts: int) -> None:
    text = ("请立即撤离到高处避难所"*20)[:length]
    result = split_sms(text)
    assert (result.encoding, result.count) == (UCS2, parts)
    if parts > 1:
        assert [len(p) for p in result.parts[:-1]] == [67] * (parts - 1)
    _check_parts(text, 67 if parts > 1 else 70)


def test_real_chinese_notice_text() -> None:
    text = ("【和平区应急管理局】暴雨红色预警：今晚20时至明日8时，和平区将有特大暴雨，"
            "局部雨量可达250毫米。请远离河道、地下通道和低洼地带，非必要不外出。"
            "如遇险情请拨打119或110。")
    result = split_sms(text)
    assert result.encoding == UCS2
    assert result.units == len(text)  # every character here is in the BMP: 1 unit each
    assert result.count == -(-len(text) // 67)
    _check_parts(text, 67)


def test_emoji_beyond_the_bmp_count_two_units() -> None:
    assert units("🌊", UCS2) == 2
    assert split_sms("🌊" * 35).count == 1  # 70 units
    result = split_sms("🌊" * 36)  # 72 units: 33 emoji (66 units) then 3
    assert result.count == 2
    assert [len(p) for p in result.parts] == [33, 3]  # emoji (code points)
    assert [units(p, UCS2) for p in result.parts] == [66, 6]
    _check_parts("🌊" * 36, 67)


def test_surrogate_pair_is_never_split_at_the_boundary() -> None:
    text = "中" * 66 + "🌊" + "中" * 5  # the emoji would need units 67 and 68
    result = split_sms(text)
    assert result.parts[0] == "中" * 66
    assert result.parts[1].startswith("🌊")
    for part in result.parts:
        part.encode("utf-16-le")  # no lone surrogate anywhere
    _check_parts(text, 67)


@pytest.mark.parametrize("cluster", [
    "👨\u200d👩\u200d👧\u200d👦",  # a family: ZWJ sequence of four people
    "👍🏽",  # skin tone modifier
    "❤\ufe0f",  # variation selector (emoji presentation)
    "🇨🇳",  # a flag: two regional indicators
    "🏳\ufe0f\u200d🌈",  # rainbow flag: VS16 and ZWJ
    "e\u0301\u0302",  # combining accents
    "1\ufe0f\u20e3",  # keycap
])
@pytest.mark.parametrize("offset", range(0, 6))
def test_grapheme_clusters_are_never_split(cluster: str, offset: int) -> None:
    # put the cluster across the 67-unit boundary at every offset around it
    text = "中" * (64 + offset) + cluster + "中" * 40
    assert len(graphemes(cluster)) == 1
    result = split_sms(text)
    assert result.encoding == UCS2
    assert any(cluster in part for part in result.parts), "the cluster was cut"
    _check_parts(text, 67)


def test_flags_in_a_row_stay_paired() -> None:
    text = "中" * 66 + "🇨🇳🇯🇵🇫🇷" + "中" * 10
    result = split_sms(text)
    joined_flags = [g for p in result.parts for g in graphemes(p) if len(g) == 2
                    and "\U0001f1e6" <= g[0] <= "\U0001f1ff"]
    assert joined_flags == ["🇨🇳", "🇯🇵", "🇫🇷"]
    _check_parts(text, 67)


def test_mixed_english_and_emoji_boundary() -> None:
    text = "Flood warning: move to higher ground now. " * 2 + "🚨" + " Stay safe."
    result = split_sms(text)
    assert result.encoding == UCS2
    _check_parts(text, 67)


def test_a_cluster_longer_than_a_part_is_cut_between_code_points_only() -> None:
    text = "a" + "\u0301" * 100  # one grapheme of 101 code units: cannot fit a part
    result = split_sms(text)
    assert result.encoding == UCS2
    assert "".join(result.parts) == text
    assert all(units(p, UCS2) <= 67 for p in result.parts)


def test_crlf_counts_two_and_stays_together() -> None:
    text = "a" * 152 + "\r\n" + "b" * 10
    result = split_sms(text)
    assert result.encoding == GSM7
    assert result.parts[0] == "a" * 152  # CR LF is one cluster: not split
    _check_parts(text, 153)
