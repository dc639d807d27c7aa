"""The palette: one colour language, told apart by colour-blind operators too.

CIEDE2000 is checked against Sharma, Wu and Dalal (2005)'s published test pairs before
it is trusted to judge the palette.
"""

from __future__ import annotations

import itertools

import pytest

from console import palette
from console.colour_science import delta_e_2000, difference, lab

# Sharma et al. 2005, table 1: (L1, a1, b1), (L2, a2, b2), ΔE00.
SHARMA = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 3.1571, -77.2803), (50.0000, 0.0000, -82.7485), 2.8615),
    ((50.0000, 2.8361, -74.0200), (50.0000, 0.0000, -82.7485), 3.4412),
    ((50.0000, -1.3802, -84.2814), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -1.1848, -84.8006), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, -0.9009, -85.5211), (50.0000, 0.0000, -82.7485), 1.0000),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, -1.0000, 2.0000), (50.0000, 0.0000, 0.0000), 2.3669),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0009), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0010), 7.1792),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0011), 7.2195),
    ((50.0000, 2.4900, -0.0010), (50.0000, -2.4900, 0.0012), 7.2195),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0009, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0010, -2.4900), 4.8045),
    ((50.0000, -0.0010, 2.4900), (50.0000, 0.0011, -2.4900), 4.7461),
    ((50.0000, 2.5000, 0.0000), (50.0000, 0.0000, -2.5000), 4.3065),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2972, 0.0000), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 1.8634, 0.5757), 1.0000),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.2592, 0.3350), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


@pytest.mark.parametrize(("lab1", "lab2", "expected"), SHARMA)
def test_ciede2000_matches_sharma_2005(lab1, lab2, expected) -> None:
    assert delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=5e-5)
    assert delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=5e-5)  # symmetric


def test_lab_of_known_colours() -> None:
    assert lab("#ffffff") == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
    assert lab("#000000") == pytest.approx((0.0, 0.0, 0.0), abs=0.01)
    # sRGB red, as every colour calculator gives it
    assert lab("#ff0000") == pytest.approx((53.24, 80.09, 67.20), abs=0.05)


def test_simulation_collapses_red_and_green() -> None:
    """The simulation must be strong enough to fail a classic red/green pair."""
    assert difference("#d62828", "#2a9d55") > 40
    assert difference("#d62828", "#2a9d55", "deuteranopia") < 15
    # the old roster's green "available" and amber "dispatched", for a protanope
    assert difference("#2a9d55", "#f0a500") > 40
    assert difference("#2a9d55", "#f0a500", "protanopia") < 15


VISIONS = ("normal", "deuteranopia", "protanopia")


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("group", sorted(palette.GROUPS))
def test_every_pair_that_must_be_told_apart_stays_apart(group, dark, vision) -> None:
    colours = palette.GROUPS[group](dark)
    too_close = [(a, b, round(difference(colours[a], colours[b], vision), 1))
                 for a, b in itertools.combinations(colours, 2)
                 if difference(colours[a], colours[b], vision) < palette.MIN_DELTA_E]
    assert not too_close, f"{group} ({vision}): {too_close}"


@pytest.mark.parametrize("vision", VISIONS)
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_marks_stand_out_from_the_map(dark, vision) -> None:
    """Every status and priority colour shows against the theme's land colour (less
    strictly than pairs: every marker also has an outline in the theme's ink)."""
    from console.map.style import theme

    land = theme(dark).land
    for group in palette.GROUPS.values():
        for key, colour in group(dark).items():
            assert difference(colour, land, vision) >= palette.MIN_LAND_DELTA_E, (key, vision)


def test_every_status_and_priority_has_a_cue_besides_colour() -> None:
    from core.domain.lifecycle import UnitStatus

    marks = [palette.status_mark(s) for s in UnitStatus]
    assert len(set(marks)) == len(marks) and all(marks)
    assert len({palette.priority_mark(p) for p in range(1, 6)}) == 5


def test_roster_queue_map_and_dashboard_share_the_palette() -> None:
    """One source: the map's and the roster's status colours are the palette's."""
    from console.map import style
    from console.models import incident_table_model, roster_model

    assert style.STATUS_COLOURS is palette.STATUS_COLOURS
    assert style.PRIORITY_COLOURS is palette.PRIORITY_COLOURS
    assert roster_model.STATUS_COLOURS is palette.STATUS_COLOURS
    assert incident_table_model.palette is palette
