"""A public notice put to the joint decision (issue 18): a proposal of kind "notice"
names a notice waiting for approval; the commander's acceptance approves exactly the
revision that was voted on, as the second person; a changed or unknown notice is
refused with the reason."""

from __future__ import annotations

import pytest

from core.auth import Actor
from core.city.model import City
from core.decisions.commands import RaiseProposal
from core.decisions.effects import decide_proposal
from core.domain.kinds import Role
from core.errors import NotFound, ValidationError
from core.notices.commands import ApproveNotice, DraftNotice, PublishNotice, UpdateNotice
from core.notices.compose import compose
from core.notices.config import NoticeSettings
from core.notices.query import notice_records
from core.service import CommandService
from tests.core.helpers import DISPATCHER, new_incident

COMMANDER = Actor("chen", Role.COMMANDER)
TEXTS = {"zh-CN": {"headline": "燃气泄漏，请远离和平路", "description": "和平路燃气管道泄漏。",
                   "instruction": "关闭门窗，听从指挥。"},
         "en-US": {"headline": "Gas leak: keep away from Heping Road",
                   "description": "A gas main leaks on Heping Road.",
                   "instruction": "Close windows and follow instructions."}}


@pytest.fixture
def city(small_city: City) -> City:
    """The session's small demo city (tests/conftest.py)."""
    return small_city


@pytest.fixture
def svc(small_city_svc: CommandService) -> CommandService:
    """This test's own copy of the session's small-city database, on the simulated clock."""
    return small_city_svc


def _draft(svc: CommandService, city: City, texts: dict = TEXTS) -> str:
    made = compose(city, NoticeSettings(), cells=[city.cells[0].code], event="Gas leak",
                   urgency="Immediate", severity="Severe", certainty="Observed",
                   texts=texts, now=svc.clock.now())
    return svc.execute(DraftNotice(made), DISPATCHER).payload["notice_id"]


def test_an_accepted_notice_proposal_approves_the_revision_voted_on(
        svc: CommandService, city: City) -> None:
    iid = new_incident(svc, "gas_leak")
    nid = _draft(svc, city)
    raised = svc.execute(RaiseProposal(iid, "public_info", "notice", "tell the street",
                                       {"notice_id": nid.lower()}), DISPATCHER).payload
    assert raised["params"] == {
        "notice_id": nid, "revision": 1, "status": "Actual",
        "headlines": {"zh-CN": "燃气泄漏，请远离和平路",
                      "en-US": "Gas leak: keep away from Heping Road"}}
    events = decide_proposal(svc, raised["id"], "commander", True, COMMANDER)
    assert [e.type for e in events] == ["proposal_decided", "notice_approved"]
    assert events[1].actor == "chen" and events[1].payload == {"notice_id": nid,
                                                              "revision": 1}
    record = notice_records(svc.db)[nid]
    assert (record.phase, record.approved_by) == ("approved", "chen")
    # The Actual notice may now go out: the decision was its second person.
    assert svc.execute(PublishNotice(nid), DISPATCHER).payload["status"] == "Actual"


def test_a_rejected_notice_proposal_approves_nothing(svc: CommandService,
                                                     city: City) -> None:
    iid = new_incident(svc, "gas_leak")
    nid = _draft(svc, city)
    pid = svc.execute(RaiseProposal(iid, "public_info", "notice", "tell the street",
                                    {"notice_id": nid}), DISPATCHER).payload["id"]
    assert [e.type for e in decide_proposal(svc, pid, "commander", False, COMMANDER)] == \
        ["proposal_decided"]
    assert notice_records(svc.db)[nid].phase == "draft"


def test_a_notice_changed_after_the_vote_is_not_approved(svc: CommandService,
                                                         city: City) -> None:
    iid = new_incident(svc, "gas_leak")
    nid = _draft(svc, city)
    # Published (approved by a supervisor first), then an update put to the vote ...
    svc.execute(ApproveNotice(nid), Actor("sam", Role.SUPERVISOR))
    svc.execute(PublishNotice(nid), DISPATCHER)
    made = compose(city, NoticeSettings(), cells=[city.cells[0].code], event="Gas leak",
                   urgency="Immediate", severity="Severe", certainty="Observed",
                   texts=TEXTS, now=svc.clock.now())
    svc.execute(UpdateNotice(nid, made), DISPATCHER)
    pid = svc.execute(RaiseProposal(iid, "public_info", "notice", "extend the area",
                                    {"notice_id": nid}), DISPATCHER).payload["id"]
    # ... and changed again before the commander decides.
    svc.execute(UpdateNotice(nid, made), DISPATCHER)
    with pytest.raises(ValidationError, match=f"{pid} was accepted, but its action was "
                       f"refused: notice {nid} was changed after revision 2 was put "
                       "forward \\(it is at revision 3\\)"):
        decide_proposal(svc, pid, "commander", True, COMMANDER)
    record = notice_records(svc.db)[nid]
    assert (record.revision, record.phase) == (3, "draft")  # the decision stands alone


def test_the_drafter_cannot_approve_their_own_notice_by_deciding(
        svc: CommandService, city: City) -> None:
    iid = new_incident(svc, "gas_leak")
    made = compose(city, NoticeSettings(), cells=[city.cells[0].code], event="Gas leak",
                   urgency="Immediate", severity="Severe", certainty="Observed",
                   texts=TEXTS, now=svc.clock.now())
    nid = svc.execute(DraftNotice(made), COMMANDER).payload["notice_id"]
    pid = svc.execute(RaiseProposal(iid, "public_info", "notice", "",
                                    {"notice_id": nid}), DISPATCHER).payload["id"]
    with pytest.raises(ValidationError, match="chen drafted notice .*another person must "
                                              "approve it"):
        decide_proposal(svc, pid, "commander", True, COMMANDER)
    assert notice_records(svc.db)[nid].phase == "draft"


def test_a_proposal_names_a_notice_waiting_for_approval(svc: CommandService,
                                                        city: City) -> None:
    iid = new_incident(svc, "gas_leak")
    with pytest.raises(NotFound, match="no notice 'N-00009'"):
        svc.execute(RaiseProposal(iid, "public_info", "notice", "",
                                  {"notice_id": "N-00009"}), DISPATCHER)
    with pytest.raises(ValidationError, match="params.notice_id is required"):
        svc.execute(RaiseProposal(iid, "public_info", "notice", "", {}), DISPATCHER)
    nid = _draft(svc, city)
    svc.execute(ApproveNotice(nid), Actor("sam", Role.SUPERVISOR))
    with pytest.raises(ValidationError, match=f"notice {nid} has no revision waiting for "
                                              "approval \\(it is approved\\)"):
        svc.execute(RaiseProposal(iid, "public_info", "notice", "",
                                  {"notice_id": nid}), DISPATCHER)
